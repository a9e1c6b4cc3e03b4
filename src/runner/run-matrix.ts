import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { StartedEnvironment } from '../backends/backend.ts';
import type { CellEvidence } from '../model/cell-evidence.ts';
import { ErrorCodes, HarnessError, toHarnessError, type ConfigIssue, type ExitCode } from '../errors/index.ts';
import { loadMatrixFile } from '../matrix/load-matrix.ts';
import type { RunPlan } from '../matrix/plan-types.ts';
import { planRun } from '../matrix/plan.ts';
import { selectCells, type CellFilters } from '../matrix/select-cells.ts';
import { planIdOf } from '../matrix/plan-id.ts';
import { shardPlan, splitPlan, type CellDurations, type ShardSpec } from '../matrix/shard-plan.ts';
import { SHARD_INPUT_FILE, type ShardCellInput } from '../model/shard-input.ts';
import type { ShardInfo } from '../model/result-schema.ts';
import { createProgressDisplay, type ProgressDisplay, type ProgressStream } from '../report/progress.ts';
import { compareResults } from '../report/history.ts';
import { appendStepSummary, writeReports } from '../report/write-reports.ts';
import { loadResult } from '../report/load-result.ts';
import { assembleResult, validateResult } from './assemble-result.ts';
import type { RunResult } from '../model/result-schema.ts';
import type { CellStack } from '../stack/stack.ts';
import { createBackendFromRegistry, type BackendFactory } from './backend-registry.ts';
import { chooseBackend, type BackendChoice, type BackendProbes } from './choose-backend.ts';
import { createDockerProbes } from './docker-probes.ts';
import { InterruptedError } from './interrupted-error.ts';
import { prepareOutDir } from './out-dir.ts';
import type { ScenarioOutcome } from '../model/scenario-outcome.ts';
import { SUITE_CATALOG } from '../scenario/suite-catalog.ts';
import { erroredOutcome } from './errored-outcome.ts';
import type { SuiteCatalog } from '../model/suite-catalog-types.ts';
import { holdForTest, holdWarning, requestedHoldPoints } from '../common/test-hold.ts';
import type { RequestedBackend } from '../model/axes.ts';
import type { AttachSession } from '../backends/attach/attach-session.ts';
import { attachedLabel } from '../backends/attach/attached-chatwoot.ts';
import { attachedEvolutionLabel } from '../backends/attach/attached-evolution.ts';
import { planAttachedRun } from './attach-plan.ts';

/** The contract of src/runner/run-suites.ts (SCENARIOS.md). */
export type RunSuitesFn = (options: {
  stacks: CellStack[];
  suites: string[];
  jobs: number;
  artifactsDir: string;
  onScenario?: (outcome: ScenarioOutcome) => void;
}) => Promise<ScenarioOutcome[]>;

/** Everything runMatrix needs from outside; tests inject fakes, the CLI and bench use the defaults. */
export interface RunMatrixDeps {
  catalog: SuiteCatalog;
  probes: BackendProbes;
  createBackend: BackendFactory;
  runSuites: RunSuitesFn;
  now: () => Date;
  newRunId: () => string;
}

export interface RunMatrixOptions {
  matrixFile: string;
  backend: RequestedBackend;
  /** docker: upstream | twin */
  images: string;
  filters?: CellFilters;
  /** Overrides matrix.json `jobs`. */
  jobs?: number;
  outDir: string;
  /** The command line, recorded in the result. */
  command: string;
  /** Aborts the run (SIGINT/SIGTERM): services are stopped, then the abort reason is thrown. */
  signal?: AbortSignal;
  /** A previous result.json: cells whose verdict changed are marked (`change`), and the exit code counts newly broken cells. */
  compareWith?: string;
  /** `--shard i/n`: run only this shard of the plan (shard-plan.ts) and record it in the result. */
  shard?: ShardSpec;
  /** Measured per-cell durations (a previous result) for the split's cost estimate; every shard must get the same. */
  shardDurations?: CellDurations;
  /** Where the live progress goes (stderr in the CLI); none when absent (--no-progress, bench, tests). */
  progressStream?: ProgressStream;
  /** Told, in one line, what happened to --out: replaced, or left as it was (and where this run's logs went). */
  onOutDir?: (line: string, what: 'replaced' | 'kept') => void;
  /** Where $GITHUB_STEP_SUMMARY is read from (tests); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** `--chatwoot-url`: the Chatwoot axis is this running server (attach backend); the caller owns its clean-up. */
  attached?: AttachSession;
  deps?: Partial<RunMatrixDeps>;
}

export interface RunMatrixOutput {
  result: RunResult;
  exitCode: ExitCode;
  resultFile: string;
  plan: RunPlan;
  choice: BackendChoice;
  warnings: ConfigIssue[];
}

// The suite runner is loaded lazily: it pulls in vitest's Node API, which a failed config never needs.
const defaultRunSuites: RunSuitesFn = async (options) => (await import('./run-suites.ts')).runSuites(options);

/** Artifact paths in result.json use '/', whatever the platform. */
function toPosix(path: string): string {
  return path.split(sep).join('/');
}

export function toolVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function defaultRunId(now: Date): string {
  return `run-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

export { InterruptedError };

function attachedResult(session: AttachSession): NonNullable<RunResult['attached']> {
  const { url, reportedVersion, profile, asVersion } = session.chatwoot;
  const evolution = session.evolution;
  return {
    chatwoot: { url, reportedVersion, profile, asVersion, label: attachedLabel(session.chatwoot) },
    ...(evolution ? { evolution: { url: evolution.url, reportedVersion: evolution.reportedVersion, label: attachedEvolutionLabel(evolution) } } : {}),
  };
}

/** How many scenarios a cell running these suites has (the shard split's estimate and the progress display). */
export function scenarioCount(catalog: SuiteCatalog, cellSuites: readonly string[]): number {
  return catalog.filter((suite) => cellSuites.includes(suite.id)).reduce((sum, suite) => sum + suite.scenarios.length, 0);
}

/** The filters as recorded in a shard's result, for merge to select the same cells. */
function selectionOf(filters: CellFilters = {}): ShardInfo['selection'] {
  const selection: ShardInfo['selection'] = {};
  for (const key of ['chatwoot', 'evolution', 'storage', 'suites'] as const) {
    const values = filters[key];
    if (values) selection[key] = [...values];
  }
  return selection;
}

/** Resolves like `work`, unless the signal fires first: then rejects with the abort reason. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    const forget = () => signal.removeEventListener('abort', onAbort);
    work.then(forget, forget);
    work.then(resolve, reject);
  });
}

function abortReason(signal: AbortSignal): HarnessError {
  return signal.reason instanceof HarnessError ? signal.reason : new InterruptedError(String(signal.reason ?? 'abort'));
}

/** Every planned scenario marked `error`: what a run reports when its services never came up. */
function infrastructureOutcomes(plan: RunPlan, catalog: SuiteCatalog, error: HarnessError): ScenarioOutcome[] {
  return plan.cells.flatMap((cell) =>
    catalog
      .filter((suite) => cell.suites.includes(suite.id))
      .flatMap((suite) =>
        suite.scenarios.map((scenario) =>
          erroredOutcome(cell.id, suite, scenario, { errorCode: error.code, message: `services did not start: ${error.message}` }),
        ),
      ),
  );
}

/**
 * matrix.json → plan → backend → suites → evidence → diagnosis and verdicts → out/result.json.
 * The backend is always stopped (also on errors and on abort). Config and usage problems throw
 * (exit 2); a backend that fails to start gives a result whose scenarios are all `error` (exit 3).
 * --out changes only when the result and every report are complete (out-dir.ts): an interrupted or failed
 * run leaves the previous result as it was.
 */
export async function runMatrix(options: RunMatrixOptions): Promise<RunMatrixOutput> {
  const deps: RunMatrixDeps = {
    catalog: options.deps?.catalog ?? SUITE_CATALOG,
    probes: options.deps?.probes ?? createDockerProbes(),
    createBackend: options.deps?.createBackend ?? createBackendFromRegistry,
    runSuites: options.deps?.runSuites ?? defaultRunSuites,
    now: options.deps?.now ?? (() => new Date()),
    newRunId: options.deps?.newRunId ?? (() => defaultRunId(new Date())),
  };
  const startedAt = deps.now();
  const phases: Record<string, number> = {};
  const timed = async <T>(phase: string, work: () => Promise<T> | T): Promise<T> => {
    const begin = performance.now();
    try {
      return await work();
    } finally {
      phases[phase] = Math.round((phases[phase] ?? 0) + performance.now() - begin);
    }
  };

  const env = options.env ?? process.env;
  const holds = requestedHoldPoints(env);
  if (holds.length > 0) process.stderr.write(holdWarning(holds));
  const { config, warnings } = await timed('load', () => loadMatrixFile(options.matrixFile, deps.catalog));
  // Read the previous result before any service starts: a bad file is a usage problem (exit 2), found early.
  const previous = options.compareWith ? await loadResult(options.compareWith) : undefined;
  const fullPlan = await timed('plan', () =>
    options.attached
      ? planAttachedRun(config, options.filters ?? {}, options.attached.chatwoot.profile, options.attached.evolution?.version)
      : planRun(selectCells(config, options.filters), config.settings),
  );
  const scenariosPerCell = (cellSuites: readonly string[]) => scenarioCount(deps.catalog, cellSuites);
  let plan = fullPlan;
  let shard: ShardInfo | undefined;
  if (options.shard) {
    const groups = splitPlan(fullPlan, options.shard.count, {
      scenariosOf: (cell) => scenariosPerCell(cell.suites),
      ...(options.shardDurations ? { durations: options.shardDurations } : {}),
    });
    plan = shardPlan(fullPlan, groups[options.shard.index - 1]!);
    shard = { ...options.shard, planId: planIdOf(config, fullPlan, toolVersion()), selection: selectionOf(options.filters) };
  }
  const jobs = options.jobs ?? config.jobs;
  const suites = plan.cells[0]?.suites ?? [];
  const progress: ProgressDisplay = createProgressDisplay({
    stream: options.progressStream ?? { write: () => true },
    enabled: options.progressStream !== undefined,
    cells: plan.cells.map((cell) => ({ id: cell.id, scenarios: scenariosPerCell(cell.suites) })),
  });
  const shardNote = shard ? ` (shard ${shard.index}/${shard.count} of ${fullPlan.cells.length} cells)` : '';
  progress.phase(
    'plan',
    `${plan.cells.length} cells${shardNote}, ${suites.length} suites, ${plan.services.length} services (naive: ${plan.naiveServiceCount})`,
  );

  const runId = deps.newRunId();
  // A bad --out is a usage error before any service starts. Until the run is complete, everything goes into a
  // staging folder inside it; the previous result stays as it is (out-dir.ts).
  const staged = await prepareOutDir(options.outDir, runId);
  let output: RunMatrixOutput & { markdown?: string };
  try {
    output = await runStaged(options, deps, {
      config,
      warnings,
      previous,
      plan,
      ...(shard ? { shard } : {}),
      jobs,
      suites,
      runId,
      artifactsDir: staged.dir,
      phases,
      timed,
      progress,
      startedAt,
    });
    // A signal that came while the last phases ran still stops the run: no result then, as for any interrupt.
    if (options.signal?.aborted) throw abortReason(options.signal);
  } catch (error) {
    const failure = toHarnessError(error);
    const reason = failure instanceof InterruptedError ? `interrupted by ${failure.signalName}` : `failed: ${failure.code}: ${failure.message.slice(0, 300)}`;
    const line = await staged
      .abandon(reason)
      .catch((abandonError: unknown) => `--out ${options.outDir}: could not tidy up ${staged.dir}: ${(abandonError as Error).message}`);
    options.onOutDir?.(line, 'kept');
    throw error;
  }
  const line = await staged.publish();
  options.onOutDir?.(line, 'replaced');
  const stepSummary = env.GITHUB_STEP_SUMMARY ?? '';
  const { markdown, ...run } = output;
  if (stepSummary !== '' && markdown !== undefined) await appendStepSummary(stepSummary, markdown);
  return { ...run, resultFile: join(options.outDir, 'result.json') };
}

interface StagedRunInput {
  config: Awaited<ReturnType<typeof loadMatrixFile>>['config'];
  warnings: ConfigIssue[];
  previous: RunResult | undefined;
  plan: RunPlan;
  shard?: ShardInfo;
  jobs: number;
  suites: string[];
  runId: string;
  /** The staging folder: backends, the suite runner and the reports write here; paths in result.json are relative to it. */
  artifactsDir: string;
  phases: Record<string, number>;
  timed: <T>(phase: string, work: () => Promise<T> | T) => Promise<T>;
  progress: ProgressDisplay;
  startedAt: Date;
}

async function runStaged(options: RunMatrixOptions, deps: RunMatrixDeps, input: StagedRunInput): Promise<RunMatrixOutput & { markdown?: string }> {
  const { config, warnings, previous, plan, shard, jobs, suites, runId, artifactsDir, phases, timed, progress, startedAt } = input;
  const choice: BackendChoice = options.attached
    ? {
        name: 'attach',
        images: undefined,
        reason: `${attachedLabel(options.attached.chatwoot)}; ${options.attached.evolution ? attachedEvolutionLabel(options.attached.evolution) : 'Evolution: in-process twins'}`,
        // Both services attached: nothing in the run is a stand-in.
        standIns: options.attached.evolution === undefined,
        attached: options.attached,
      }
    : await timed('choose-backend', () => chooseBackend({ backend: options.backend, images: options.images }, plan, deps.probes));
  progress.phase('backend', `${choice.name}${choice.images ? ` (${choice.images} images)` : ''}: ${choice.reason}`);

  const cellsDir = join(artifactsDir, 'cells');
  await mkdir(cellsDir, { recursive: true });

  // A shard the split left empty starts nothing: its result is valid and has no cells.
  const backend = plan.cells.length > 0 ? await deps.createBackend(choice) : undefined;
  if (!backend) progress.phase('start', `shard ${shard?.index ?? 1}/${shard?.count ?? 1} has no cells: nothing to start`);
  let environment: StartedEnvironment | undefined;
  let outcomes: ScenarioOutcome[] = [];
  const evidence = new Map<string, CellEvidence>();
  const images = new Map<string, Record<string, string>>();
  let servicesStarted = 0;
  try {
    try {
      if (backend) progress.phase('start', `starting ${plan.services.length} services (jobs ${jobs})`);
      environment = await timed('start', () =>
        untilAborted(
          backend === undefined
            ? Promise.resolve(undefined)
            : backend.start(plan, {
                runId,
                jobs,
                artifactsDir,
                onProgress: (event) => progress.phase(event.phase, event.message),
                ...(options.signal ? { signal: options.signal } : {}),
              }),
          options.signal,
        ),
      );
    } catch (error) {
      if (options.signal?.aborted) throw abortReason(options.signal);
      const failure = toHarnessError(error);
      // An attached server that cannot reach back is one named error with its fix, not a grid of errors (issue 20).
      if (failure.code === ErrorCodes.attachPreflight) throw failure;
      progress.phase('start', `failed: ${failure.message}`);
      outcomes = infrastructureOutcomes(plan, deps.catalog, failure);
    }

    if (environment) {
      const started = environment;
      for (const [phase, ms] of Object.entries(started.phases)) phases[`start:${phase}`] = ms;
      servicesStarted = started.servicesStarted;
      const stacks = plan.cells.map((cell) => started.stacks.get(cell.id)).filter((stack): stack is CellStack => stack !== undefined);
      progress.phase('scenarios', `${plan.cells.length} cells × ${suites.length} suites`);
      outcomes = await timed('scenarios', () =>
        untilAborted(deps.runSuites({ stacks, suites, jobs, artifactsDir, onScenario: (outcome) => progress.scenario(outcome) }), options.signal),
      );
      progress.phase('evidence', 'collecting exchanges and logs');
      await timed('evidence', () =>
        untilAborted(
          Promise.all(
            plan.cells
              .filter((cell) => started.stacks.has(cell.id))
              .map(async (cell) => {
                evidence.set(cell.id, await started.collectEvidence(cell.id));
                images.set(cell.id, started.imagesFor(cell.id));
              }),
          ),
          options.signal,
        ),
      );
    }
  } finally {
    if (options.signal?.aborted) await holdForTest('stop', options.env ? { env: options.env } : {});
    if (environment) {
      progress.phase('stop', 'stopping services');
      await timed('stop', () => environment!.stop());
    }
    progress.stop();
  }

  const artifacts = new Map<string, Record<string, string>>();
  await timed('write', async () => {
    for (const [cellId, cellEvidence] of evidence) {
      const cellDir = join(cellsDir, cellId);
      await mkdir(cellDir, { recursive: true });
      await writeFile(join(cellDir, 'exchanges.json'), `${JSON.stringify(cellEvidence.exchanges, null, 2)}\n`);
      const files: Record<string, string> = { exchanges: toPosix(join('cells', cellId, 'exchanges.json')) };
      // Relative to the staging folder, which becomes --out: the same paths are right beside result.json.
      for (const [service, path] of Object.entries(cellEvidence.logFiles)) files[`log:${service}`] = toPosix(path);
      artifacts.set(cellId, files);
    }
    if (shard) await writeShardInputs(cellsDir, plan, outcomes, evidence);
  });

  // Not timed: phases are copied into the result it builds.
  const assembled = assembleResult({
    runId,
    toolVersion: toolVersion(),
    command: options.command,
    startedAt,
    finishedAt: deps.now(),
    backend: {
      name: choice.name,
      reason: choice.reason,
      ...(choice.images ? { images: choice.images } : {}),
      standIns: choice.standIns,
      ...(choice.attached ? { attached: attachedResult(choice.attached) } : {}),
    },
    matrixFile: options.matrixFile,
    plan,
    catalog: deps.catalog,
    expectations: config.expectations,
    outcomes,
    evidence,
    images,
    artifacts,
    phases,
    servicesStarted,
    warnings: warnings.map((warning) => `${warning.path}: ${warning.message}`),
    ...(shard ? { shard } : {}),
  });
  const result = previous && options.compareWith ? validateResult(compareResults(assembled, previous, { previousLabel: options.compareWith })) : assembled;
  const resultFile = join(artifactsDir, 'result.json');
  await writeFile(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  // Every run leaves all formats beside result.json (junit.xml, summary.md, report.html), rendered from the same
  // result; summary.md goes to $GITHUB_STEP_SUMMARY only once the run's files are in place.
  const writtenExchangeCounts = new Map([...evidence].map(([cellId, cellEvidence]) => [cellId, cellEvidence.exchanges.length]));
  const written = await writeReports(result, artifactsDir, { githubStepSummary: '', writtenExchangeCounts, ...(options.env ? { env: options.env } : {}) });
  return {
    result,
    exitCode: result.exitCode as ExitCode,
    resultFile,
    plan,
    choice,
    warnings,
    ...(written.markdown !== undefined ? { markdown: written.markdown } : {}),
  };
}

/** Beside each cell of a shard: its raw outcomes and log excerpts, which merge assembles again (model/shard-input.ts). */
async function writeShardInputs(cellsDir: string, plan: RunPlan, outcomes: readonly ScenarioOutcome[], evidence: ReadonlyMap<string, CellEvidence>) {
  for (const cell of plan.cells) {
    const cellDir = join(cellsDir, cell.id);
    await mkdir(cellDir, { recursive: true });
    const logs = evidence.get(cell.id)?.logs;
    const input: ShardCellInput = { cellId: cell.id, outcomes: outcomes.filter((outcome) => outcome.cellId === cell.id), ...(logs ? { logs } : {}) };
    await writeFile(join(cellDir, SHARD_INPUT_FILE), `${JSON.stringify(input)}\n`);
  }
}
