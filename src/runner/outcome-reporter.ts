import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { displayValue, ErrorCodes } from '../errors/index.ts';
import type { ScenarioOutcome } from '../model/scenario-outcome.ts';
import { suiteInfo } from '../scenario/suite-catalog.ts';
import '../scenario/scenario-meta.ts';

export function outcomeKey(cellId: string, scenarioId: string): string {
  return `${cellId}\u0000${scenarioId}`;
}

function cellOf(testCase: TestCase): string {
  return testCase.parent.type === 'suite' ? testCase.parent.name : '';
}

/** The suite a test belongs to: its scenario's (set when it started), else the suite's describe block around its cell's. */
function suiteOf(testCase: TestCase) {
  const started = testCase.meta().evochat?.scenarioId;
  if (started) return suiteInfo(started.slice(0, started.indexOf('/')));
  const cell = testCase.parent.type === 'suite' ? testCase.parent : undefined;
  return cell?.parent.type === 'suite' ? suiteInfo(cell.parent.name) : undefined;
}

/** Turns one finished vitest test into a ScenarioOutcome (status, skip reason, failure class, decisive evidence). */
export function outcomeOf(testCase: TestCase): ScenarioOutcome | undefined {
  const suite = suiteOf(testCase);
  if (!suite) return undefined;
  const meta = testCase.meta().evochat;
  const scenarioId = meta?.scenarioId ?? `${suite.id}/${testCase.name}`;
  const info = suite.scenarios.find((scenario) => scenario.id === scenarioId);
  const result = testCase.result();
  const base = {
    cellId: meta?.cellId ?? cellOf(testCase),
    id: scenarioId,
    suite: suite.id,
    title: info?.title ?? testCase.name,
    seedSymptom: suite.seedSymptom,
    durationMs: Math.round(testCase.diagnostic()?.duration ?? 0),
    ...(meta?.startedAt ? { startedAt: meta.startedAt } : {}),
    ...(meta?.decisive ? { decisive: meta.decisive } : {}),
    ...(meta?.scope ? { evidenceScope: meta.scope } : {}),
  };
  const notes = meta?.notes?.length ? meta.notes.join('; ') : undefined;
  switch (result.state) {
    case 'passed':
      return { ...base, status: 'pass', ...(notes ? { message: notes } : {}) };
    case 'skipped':
      return { ...base, status: 'skipped', skipReason: result.note ?? 'skipped' };
    case 'failed': {
      if (meta?.outcome) {
        const message = notes ? `${meta.outcome.message} (${notes})` : meta.outcome.message;
        return { ...base, status: meta.outcome.status, errorCode: meta.outcome.errorCode, message };
      }
      // No classification from the scenario: vitest itself failed it (its timeout, a hook), so infrastructure.
      const message = result.errors?.map((error) => error.message).join('; ') || 'failed without a message';
      const timedOut = /timed out/i.test(message);
      return { ...base, status: 'error', errorCode: timedOut ? ErrorCodes.waitTimeout : ErrorCodes.internal, message };
    }
    case 'pending':
    default:
      return { ...base, status: 'error', errorCode: ErrorCodes.internal, message: 'the scenario did not finish' };
  }
}

/** A vitest reporter that collects one ScenarioOutcome per scenario per cell. */
export class OutcomeReporter implements Reporter {
  readonly outcomes = new Map<string, ScenarioOutcome>();
  /** Load errors per suite id (a suite file that failed to load yields error outcomes). */
  readonly moduleErrors = new Map<string, string[]>();
  readonly unhandledErrors: string[] = [];

  constructor(private readonly onScenario?: (outcome: ScenarioOutcome) => void) {}

  private record(testCase: TestCase): void {
    const loadError = testCase.meta().evochatLoadError;
    if (loadError) {
      this.moduleErrors.set(loadError.suiteId, [loadError.message]);
      return;
    }
    const outcome = outcomeOf(testCase);
    if (!outcome) return;
    const key = outcomeKey(outcome.cellId, outcome.id);
    if (this.outcomes.has(key)) return;
    this.outcomes.set(key, outcome);
    this.onScenario?.(outcome);
  }

  onTestCaseResult(testCase: TestCase): void {
    this.record(testCase);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<{ message?: string }>): void {
    for (const module of testModules) {
      for (const testCase of module.children.allTests()) this.record(testCase);
      // The entry file itself failed (no suite loaded): every scenario carries its error.
      for (const error of module.errors()) this.unhandledErrors.push(error.message ?? displayValue(error));
    }
    for (const error of unhandledErrors) this.unhandledErrors.push(error.message ?? displayValue(error));
  }
}
