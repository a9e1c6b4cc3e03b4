import { ExitCodes, type ExitCode } from '../errors/index.ts';
import type { ScenarioStatus, Verdict } from '../model/result-schema.ts';
import type { SuiteKind } from '../model/suite-catalog-types.ts';

/**
 * A scenario's status compared with matrix.json:
 * - pass + not expected to break → pass; pass + expected to break → unexpected-pass (a fix landed, or the harness is wrong)
 * - break + expected → expected-break; break + not expected → unexpected-break
 * - error → error (infrastructure: no verdict, whatever was expected); skipped → skipped
 */
export function classifyScenario(status: ScenarioStatus, expectedToBreak: boolean): Verdict {
  switch (status) {
    case 'pass':
      return expectedToBreak ? 'unexpected-pass' : 'pass';
    case 'break':
      return expectedToBreak ? 'expected-break' : 'unexpected-break';
    case 'error':
      return 'error';
    case 'skipped':
      return 'skipped';
  }
}

/** Most important first: a cell's verdict is its scenarios' verdict that comes first here. */
export const CELL_VERDICT_PRECEDENCE: readonly Verdict[] = ['unexpected-break', 'unexpected-pass', 'error', 'expected-break', 'pass', 'skipped'];

/** A cell's status is its compatibility scenarios' status that comes first here ("does this pair work"). */
export const CELL_STATUS_PRECEDENCE: readonly ScenarioStatus[] = ['break', 'error', 'pass', 'skipped'];

export interface ClassifiedScenario {
  kind: SuiteKind;
  status: ScenarioStatus;
  verdict: Verdict;
}

function first<T>(precedence: readonly T[], present: readonly T[], fallback: T): T {
  return precedence.find((item) => present.includes(item)) ?? fallback;
}

/**
 * A cell answers "does this Chatwoot × Evolution × storage work", so fault scenarios (a
 * misconfiguration injected on purpose) must not make every cell look broken:
 * - `status` aggregates the compatibility scenarios only (break > error > pass > skipped);
 * - `verdict` aggregates every scenario by CELL_VERDICT_PRECEDENCE, where a fault scenario that broke
 *   as expected counts as `pass` (the fault showed what it should), while its unexpected results and
 *   errors count as they are. A cell with nothing run is `skipped`.
 */
export function aggregateCell(scenarios: readonly ClassifiedScenario[]): { status: ScenarioStatus; verdict: Verdict } {
  const compatibility = scenarios.filter((scenario) => scenario.kind === 'compatibility');
  const status = first(
    CELL_STATUS_PRECEDENCE,
    compatibility.map((scenario) => scenario.status),
    'skipped',
  );
  const verdicts = scenarios.map((scenario) => (scenario.kind === 'fault' && scenario.verdict === 'expected-break' ? 'pass' : scenario.verdict));
  return { status, verdict: first(CELL_VERDICT_PRECEDENCE, verdicts, 'skipped') };
}

/**
 * Exit code of a run from its scenario verdicts (DESIGN.md §5):
 * 1 when any scenario broke or passed unexpectedly, even if others errored (a real change outranks
 * missing answers); else 3 when any scenario errored (infrastructure kept it from a verdict);
 * else 0 (everything as expected, skipped scenarios included).
 */
export function exitCodeFor(verdicts: readonly Verdict[]): ExitCode {
  if (verdicts.some((verdict) => verdict === 'unexpected-break' || verdict === 'unexpected-pass')) return ExitCodes.unexpected;
  if (verdicts.includes('error')) return ExitCodes.infrastructure;
  return ExitCodes.ok;
}
