import { randomBytes } from 'node:crypto';
import { cp, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { ErrorCodes, UsageError, type ExitCode } from '../errors/index.ts';
import { loadMatrixFile } from '../matrix/load-matrix.ts';
import { planIdOf } from '../matrix/plan-id.ts';
import { planRun } from '../matrix/plan.ts';
import { selectCells } from '../matrix/select-cells.ts';
import type { CellEvidence } from '../model/cell-evidence.ts';
import { Exchange, type RunResult } from '../model/result-schema.ts';
import type { ScenarioOutcome } from '../model/scenario-outcome.ts';
import { SHARD_INPUT_FILE, ShardCellInput } from '../model/shard-input.ts';
import type { SuiteCatalog } from '../model/suite-catalog-types.ts';
import { compareResults } from '../report/history.ts';
import { loadResult } from '../report/load-result.ts';
import { appendStepSummary, writeReports } from '../report/write-reports.ts';
import { SUITE_CATALOG } from '../scenario/suite-catalog.ts';
import { assembleResult, validateResult } from './assemble-result.ts';
import { erroredOutcome } from './errored-outcome.ts';
import { prepareOutDir } from './out-dir.ts';
import { toolVersion } from './run-matrix.ts';

export interface MergeOptions {
  /** Shard result files, folders holding a result.json, or folders whose subfolders do (downloaded artifacts). */
  inputs: readonly string[];
  outDir: string;
  /** Default: the matrixFile the shards recorded. */
  matrixFile?: string;
  compareWith?: string;
  command: string;
  env?: NodeJS.ProcessEnv;
  catalog?: SuiteCatalog;
  now?: () => Date;
}

export interface MergeOutput {
  result: RunResult;
  exitCode: ExitCode;
  resultFile: string;
  /** Shard indexes no result was given for: their cells are `error` (not run). */
  missing: number[];
}

interface ShardRun {
  file: string;
  dir: string;
  result: RunResult & { shard: NonNullable<RunResult['shard']> };
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** Each input → the shard result files it names. */
async function resultFiles(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (!info) throw new UsageError(`merge: ${input}: no such file or folder`);
    if (info.isFile()) files.push(input);
    else if (await isFile(join(input, 'result.json'))) files.push(join(input, 'result.json'));
    else {
      const children = (await readdir(input, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => join(input, entry.name));
      const found: string[] = [];
      for (const child of children.sort()) if (await isFile(join(child, 'result.json'))) found.push(join(child, 'result.json'));
      // An empty folder is what a download of a shard that never uploaded leaves: its cells count as not run.
      files.push(...found);
    }
  }
  return files;
}

async function loadShards(inputs: readonly string[]): Promise<ShardRun[]> {
  const shards: ShardRun[] = [];
  for (const file of await resultFiles(inputs)) {
    const result = await loadResult(file);
    if (!result.shard) throw new UsageError(`merge: ${file} is not a shard result (it was not written by run --shard i/n)`);
    shards.push({ file, dir: dirname(file), result: result as ShardRun['result'] });
  }
  if (shards.length === 0) throw new UsageError(`merge: no shard result.json found in ${inputs.join(', ')}`);
  const [first] = shards;
  for (const shard of shards) {
    const { planId, count } = shard.result.shard;
    if (planId !== first!.result.shard.planId || count !== first!.result.shard.count) {
      throw new UsageError(
        `merge: ${shard.file} is shard ${shard.result.shard.index}/${count} of ${planId}, ${first!.file} of ${first!.result.shard.planId} in ${first!.result.shard.count}: not the same plan`,
      );
    }
    const twin = shards.find((other) => other !== shard && other.result.shard.index === shard.result.shard.index);
    if (twin) throw new UsageError(`merge: shard ${shard.result.shard.index}/${count} given twice (${twin.file}, ${shard.file})`);
  }
  const owner = new Map<string, string>();
  for (const shard of shards) {
    for (const cell of shard.result.cells) {
      const other = owner.get(cell.id);
      if (other) throw new UsageError(`merge: cell ${cell.id} is in two shard results (${other}, ${shard.file})`);
      owner.set(cell.id, shard.file);
    }
  }
  return shards.sort((a, b) => a.result.shard.index - b.result.shard.index);
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

/** What assembleResult got for one cell of a shard: its raw outcomes, and its evidence when any was collected. */
async function cellInputs(shard: ShardRun, cellId: string): Promise<{ outcomes: ScenarioOutcome[]; evidence?: CellEvidence }> {
  const cellDir = join(shard.dir, 'cells', cellId);
  const parsed = ShardCellInput.safeParse(await readJson(join(cellDir, SHARD_INPUT_FILE)).catch(() => undefined));
  if (!parsed.success) throw new UsageError(`merge: ${join(cellDir, SHARD_INPUT_FILE)} is missing or invalid: the shard's folder is incomplete`);
  const outcomes = parsed.data.outcomes.map((outcome) => ({ ...outcome }) as ScenarioOutcome);
  if (!parsed.data.logs) return { outcomes };
  const exchanges = Exchange.array().safeParse(await readJson(join(cellDir, 'exchanges.json')).catch(() => []));
  return { outcomes, evidence: { exchanges: exchanges.success ? exchanges.data : [], logs: parsed.data.logs, logFiles: {} } };
}

function newRunId(now: Date): string {
  return `merge-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/**
 * Shard results → the result one unsharded run would have given: the same plan is made again from the matrix
 * file and checked against the shards' planId; every cell is assembled again from the shards' raw outcomes and
 * evidence by assembleResult (verdicts, diagnoses, seed contradictions, exit code); cells of a shard whose
 * result is missing are `error` (EVOCHAT_E_SHARD_MISSING), never pass. Writes every report format to --out.
 */
export async function mergeResults(options: MergeOptions): Promise<MergeOutput> {
  const catalog = options.catalog ?? SUITE_CATALOG;
  const now = options.now ?? (() => new Date());
  const shards = await loadShards(options.inputs);
  const head = shards[0]!.result;
  const matrixFile = options.matrixFile ?? head.matrixFile ?? 'matrix.json';
  const { config, warnings } = await loadMatrixFile(matrixFile, catalog);
  const plan = planRun(selectCells(config, head.shard.selection), config.settings);
  const planId = planIdOf(config, plan, toolVersion());
  if (planId !== head.shard.planId) {
    throw new UsageError(
      `merge: ${matrixFile} with evochat-matrix ${toolVersion()} makes plan ${planId}, the shards ran ${head.shard.planId}: the matrix file or the harness version changed`,
      { hint: 'merge with the checkout the shards ran from (--matrix names the matrix file)' },
    );
  }
  const planned = new Set(plan.cells.map((cell) => cell.id));
  for (const shard of shards) {
    const stray = shard.result.cells.find((cell) => !planned.has(cell.id));
    if (stray) throw new UsageError(`merge: ${shard.file} has cell ${stray.id}, which the plan does not`);
  }

  const present = shards.map((shard) => shard.result.shard.index);
  const missing = Array.from({ length: head.shard.count }, (_, i) => i + 1).filter((index) => !present.includes(index));
  const outcomes: ScenarioOutcome[] = [];
  const evidence = new Map<string, CellEvidence>();
  const images = new Map<string, Record<string, string>>();
  const artifacts = new Map<string, Record<string, string>>();
  const sourceOf = new Map<string, ShardRun>();
  for (const shard of shards) {
    for (const cell of shard.result.cells) {
      const inputs = await cellInputs(shard, cell.id);
      outcomes.push(...inputs.outcomes);
      if (inputs.evidence) evidence.set(cell.id, inputs.evidence);
      images.set(cell.id, cell.images);
      artifacts.set(cell.id, cell.artifacts);
      sourceOf.set(cell.id, shard);
    }
  }
  const missingNote = missing.length === 1 ? `shard ${missing[0]}/${head.shard.count}` : `shards ${missing.join(', ')} of ${head.shard.count}`;
  for (const cell of plan.cells.filter((candidate) => !sourceOf.has(candidate.id))) {
    for (const suite of catalog.filter((candidate) => cell.suites.includes(candidate.id))) {
      for (const scenario of suite.scenarios) {
        outcomes.push(
          erroredOutcome(cell.id, suite, scenario, { errorCode: ErrorCodes.shardMissing, message: `not run: no result of ${missingNote} was given to merge` }),
        );
      }
    }
  }

  const startedAt = new Date(Math.min(...shards.map((shard) => Date.parse(shard.result.startedAt))));
  const finishedAt = new Date(Math.max(...shards.map((shard) => Date.parse(shard.result.finishedAt))));
  // Shards run side by side: a phase took as long as its slowest shard.
  const phases: Record<string, number> = {};
  for (const shard of shards) for (const [phase, ms] of Object.entries(shard.result.phases)) phases[phase] = Math.max(phases[phase] ?? 0, ms);
  const runId = newRunId(now());
  const staged = await prepareOutDir(options.outDir, runId);
  let result: RunResult;
  let markdown: string | undefined;
  try {
    const assembled = assembleResult({
      runId,
      toolVersion: toolVersion(),
      command: options.command,
      startedAt,
      finishedAt,
      backend: {
        name: head.backend,
        reason: [...new Set(shards.map((shard) => shard.result.backendReason))].join('; '),
        ...(head.images ? { images: head.images } : {}),
        standIns: shards.some((shard) => shard.result.standIns),
      },
      matrixFile,
      plan,
      catalog,
      expectations: config.expectations,
      outcomes,
      evidence,
      images,
      artifacts,
      phases,
      servicesStarted: shards.reduce((sum, shard) => sum + (shard.result.services?.started ?? 0), 0),
      warnings: [...new Set([...warnings.map((warning) => `${warning.path}: ${warning.message}`), ...shards.flatMap((shard) => shard.result.warnings ?? [])])],
      merged: { planId, count: head.shard.count, shards: present, missing },
    });
    const previous = options.compareWith ? await loadResult(options.compareWith) : undefined;
    result = previous ? validateResult(compareResults(assembled, previous, { previousLabel: options.compareWith! })) : assembled;
    // Each cell's artifacts are under cells/<id>/ of its shard: copied, the merged folder is whole on its own.
    for (const [cellId, shard] of sourceOf) {
      await cp(join(shard.dir, 'cells', cellId), join(staged.dir, 'cells', cellId), {
        recursive: true,
        filter: (source) => basename(source) !== SHARD_INPUT_FILE,
      }).catch(() => undefined);
    }
    await writeFile(join(staged.dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
    const written = await writeReports(result, staged.dir, { githubStepSummary: '', ...(options.env ? { env: options.env } : {}) });
    markdown = written.markdown;
  } catch (error) {
    await staged.abandon(`merge failed: ${(error as Error).message.slice(0, 200)}`).catch(() => undefined);
    throw error;
  }
  await staged.publish();
  const stepSummary = (options.env ?? process.env).GITHUB_STEP_SUMMARY ?? '';
  if (stepSummary !== '' && markdown !== undefined) await appendStepSummary(stepSummary, markdown);
  return { result, exitCode: result.exitCode as ExitCode, resultFile: join(options.outDir, 'result.json'), missing };
}
