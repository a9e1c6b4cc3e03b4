import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVitest } from 'vitest/node';
import { createRedactor } from '../common/redact.ts';
import { createRedactedFileStream } from '../common/redacting-stream.ts';
import { ErrorCodes, UsageError } from '../errors/index.ts';
import type { CellStack } from '../stack/stack.ts';
import { erroredOutcome } from './errored-outcome.ts';
import { suitesBundle } from './suites-bundle.ts';
import { OutcomeReporter, outcomeKey } from './outcome-reporter.ts';
import type { ScenarioOutcome } from '../model/scenario-outcome.ts';
import { SUITE_RUN_KEY, type SuiteRunInput } from '../scenario/scenario-meta.ts';
import { SUITE_CATALOG, suiteInfo } from '../scenario/suite-catalog.ts';
import type { SuiteInfo } from '../model/suite-catalog-types.ts';

export interface RunSuitesOptions {
  stacks: CellStack[];
  suites: string[];
  /** Cells of a suite run at once up to this many, and suites too. */
  jobs: number;
  artifactsDir: string;
  onScenario?: (outcome: ScenarioOutcome) => void;
  /** Which suites each cell runs (PlannedCell.suites); cells missing here run all of `suites`. */
  suitesByCell?: Record<string, string[]>;
  /** Backstop per scenario behind its own deadlines (default 45 s). */
  scenarioTimeoutMs?: number;
  /** Tests: load this file (absolute path) for a suite id instead of its own, e.g. one that cannot be loaded. */
  suiteFileOverrides?: Record<string, string>;
}

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Suites from the longest-running to the shortest (measured on the sim backend): with fewer suite slots
 * than suites, starting the long ones first shortens the run.
 */
const SUITES_LONGEST_FIRST = [
  'config-faults',
  'agent-reply',
  'inbound-sync',
  'qr-delivery',
  'bot-command',
  'instance-bootstrap',
  'attachment-storage',
  'filter-contract',
  'auth',
];
/** The one test file vitest runs: it loads the run's suites (suitesToLoad) into one worker. */
const SUITES_ENTRY = 'suites/selected-suites.entry.ts';

function longestFirst(suites: readonly SuiteInfo[]): SuiteInfo[] {
  const rank = (suite: SuiteInfo) => {
    const index = SUITES_LONGEST_FIRST.indexOf(suite.id);
    return index === -1 ? SUITES_LONGEST_FIRST.length : index;
  };
  return [...suites].sort((a, b) => rank(a) - rank(b));
}
const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * vitest's logger installs SIGINT/SIGTERM handlers that exit the process (cli-api: addCleanupListeners);
 * inside the harness that would skip the `run` command's own handler, which stops every service first
 * and exits 130. Removes whatever listeners were added to those signals since `before` was taken.
 */
function removeListenersAddedSince(before: ReadonlyMap<NodeJS.Signals, NodeJS.SignalsListener[]>): void {
  for (const [signal, previous] of before) {
    for (const listener of process.listeners(signal)) {
      if (!previous.includes(listener)) process.off(signal, listener as (signal: NodeJS.Signals) => void);
    }
  }
}

const DEFAULT_SCENARIO_TIMEOUT_MS = 45_000;
const MAX_CONCURRENT_SCENARIOS_PER_CELL = 5;
const CELL_SLOT_WAIT_MS = 30 * 60_000;

/**
 * Runs the suite files through vitest's Node API with its own inline configuration (not the repo's
 * vitest.config.ts, which runs the harness's own tests): the CellStacks reach the suite files through
 * `provide`, each file declares a concurrent `describe` per cell, and a reporter turns every test into
 * a ScenarioOutcome. Returns one outcome per scenario per cell, in catalog order, skipped ones included;
 * a scenario that never reported (its file failed to load) comes back as `error` with the reason.
 */
export async function runSuites(options: RunSuitesOptions): Promise<ScenarioOutcome[]> {
  const unknown = options.suites.filter((suite) => !suiteInfo(suite));
  if (unknown.length > 0) {
    throw new UsageError(`unknown suite(s): ${unknown.join(', ')}`, { details: { allowed: SUITE_CATALOG.map((suite) => suite.id) } });
  }
  const suitesByCell: Record<string, string[]> = {};
  for (const stack of options.stacks) {
    const wanted = options.suitesByCell?.[stack.cellId] ?? options.suites;
    suitesByCell[stack.cellId] = options.suites.filter((suite) => wanted.includes(suite));
  }
  const suitesToRun = SUITE_CATALOG.filter((suite) => options.stacks.some((stack) => suitesByCell[stack.cellId]!.includes(suite.id)));
  if (suitesToRun.length === 0) return [];

  await mkdir(options.artifactsDir, { recursive: true });
  const redactor = createRedactor(
    options.stacks.flatMap((stack) => [
      stack.chatwoot.token,
      stack.chatwootPtBr?.token,
      stack.evolution.apiKey,
      stack.s3?.accessKeyId,
      stack.s3?.secretAccessKey,
    ]),
  );
  // What scenarios and vitest print (a failed assertion may show a whole body) goes through the redactor.
  const vitestLog = createRedactedFileStream(join(options.artifactsDir, 'vitest.log'), redactor);
  const reporter = new OutcomeReporter(options.onScenario);
  const jobs = Math.max(1, Math.floor(options.jobs));
  const bundled = await suitesBundle(SUITE_CATALOG, PROJECT_ROOT);
  const input: SuiteRunInput = {
    stacks: options.stacks,
    suitesByCell,
    scenarioTimeoutMs: options.scenarioTimeoutMs ?? DEFAULT_SCENARIO_TIMEOUT_MS,
    jobs,
    suitesToLoad: longestFirst(suitesToRun).map((suite) => ({
      id: suite.id,
      file: options.suiteFileOverrides?.[suite.id] ?? bundled?.get(suite.id) ?? join(PROJECT_ROOT, suite.file),
    })),
    // What one worker per suite file up to `jobs` workers ran at once before: the same schedule, one worker.
    suitesAtOnce: Math.max(1, Math.min(jobs, suitesToRun.length)),
  };

  // vitest marks failed runs through process.exitCode; scenario breaks are results here, not process failures.
  const exitCodeBefore = process.exitCode;
  const signalListenersBefore = new Map(INTERRUPT_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const vitest = await createVitest(
    'test',
    {
      config: false,
      root: PROJECT_ROOT,
      include: [SUITES_ENTRY],
      watch: false,
      reporters: [reporter],
      provide: { [SUITE_RUN_KEY]: input },
      // One worker: every further one loaded vitest, the clients and the sources again (≈ 0.5 CPU-s and 40 MB each).
      pool: 'threads',
      maxWorkers: 1,
      // Suites and cells at once are limited by the suites themselves (suite slots, and a semaphore around each
      // cell: `jobs`, or more for a waiting-bound suite); vitest's own limit counts tests: room for all of them.
      maxConcurrency: Math.max(jobs, options.stacks.length) * MAX_CONCURRENT_SCENARIOS_PER_CELL * input.suitesAtOnce,
      testTimeout: input.scenarioTimeoutMs,
      // A cell's beforeAll waits for a free cell slot, which may take as long as other cells run.
      hookTimeout: CELL_SLOT_WAIT_MS,
      passWithNoTests: true,
      includeTaskLocation: false,
    },
    { logLevel: 'silent' },
    { stdout: vitestLog, stderr: vitestLog },
  );
  removeListenersAddedSince(signalListenersBefore);
  try {
    await vitest.start();
  } finally {
    await vitest.close();
    process.exitCode = exitCodeBefore;
    await vitestLog.close();
  }

  const outcomes: ScenarioOutcome[] = [];
  for (const stack of options.stacks) {
    for (const suite of suitesToRun) {
      if (!suitesByCell[stack.cellId]!.includes(suite.id)) continue;
      for (const scenario of suite.scenarios) {
        const found = reporter.outcomes.get(outcomeKey(stack.cellId, scenario.id));
        if (found) {
          outcomes.push(found);
          continue;
        }
        const reasons = reporter.moduleErrors.get(suite.id) ?? reporter.unhandledErrors;
        outcomes.push(
          erroredOutcome(stack.cellId, suite, scenario, {
            errorCode: ErrorCodes.internal,
            message: redactor.text(`${suite.file} did not run this scenario${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''} (see vitest.log)`),
          }),
        );
      }
    }
  }
  return outcomes;
}
