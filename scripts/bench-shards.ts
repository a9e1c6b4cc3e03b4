/**
 * `npm run bench -- --shards n`: the matrix (by default the extended one) run unsharded, then as n shards side by
 * side (one process each, as n jobs of a CI job matrix would run them, here on one machine) followed by `merge`.
 * Prints both walls, each shard's planned cost beside its measured time (how well the split balances), and
 * whether the merged result has the same verdicts, diagnoses and exit code as the unsharded one. Sharing one
 * machine, the shards together get the unsharded run's jobs (each ceil(jobs / n)); on a CI job matrix each shard
 * has a machine and the matrix's jobs of its own.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMatrixFile } from '../src/matrix/load-matrix.ts';
import { planRun } from '../src/matrix/plan.ts';
import { selectCells } from '../src/matrix/select-cells.ts';
import { splitPlan } from '../src/matrix/shard-plan.ts';
import type { RunResult } from '../src/model/result-schema.ts';
import { mergeResults } from '../src/runner/merge-results.ts';
import { scenarioCount } from '../src/runner/run-matrix.ts';
import { SUITE_CATALOG } from '../src/scenario/suite-catalog.ts';
import { cpuSeconds, measureRun, type Measurement } from './bench-measure.ts';

const seconds = (ms: number) => (ms / 1000).toFixed(2);

/** Each cell's scenarios as `id verdict diagnosis-rule`, for comparing two results of the same plan. */
function verdictLines(result: RunResult): string[] {
  return result.cells
    .flatMap((cell) => cell.scenarios.map((scenario) => `${cell.id} ${scenario.id} ${scenario.verdict} ${scenario.diagnosis?.rule ?? '-'}`))
    .sort();
}

async function readResult(outDir: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(outDir, 'result.json'), 'utf8')) as RunResult;
}

export async function benchShards(options: { matrixFile: string; count: number; jobs: number | undefined }): Promise<{ lines: string[]; exitCode: number }> {
  const { config } = await loadMatrixFile(options.matrixFile, SUITE_CATALOG);
  const plan = planRun(selectCells(config, {}), config.settings);
  const groups = splitPlan(plan, options.count, { scenariosOf: (cell) => scenarioCount(SUITE_CATALOG, cell.suites) });
  const base = { matrixFile: options.matrixFile, backend: 'sim' as const, images: 'twin' as const };
  const jobs = options.jobs ?? config.jobs;
  // Side by side on one machine the shards share its cores: together they get the unsharded run's jobs (rounded up).
  const shardJobs = Math.max(1, Math.ceil(jobs / options.count));
  const outDirs: string[] = [];
  const mergeDir = await mkdtemp(join(tmpdir(), 'evochat-bench-merge-'));
  try {
    const unsharded = await measureRun({ ...base, jobs }, { keepOut: true });
    outDirs.push(unsharded.outDir!);

    const begin = performance.now();
    const shards: Array<Measurement & { endedMs: number }> = await Promise.all(
      groups.map(async (group) => {
        const measured = await measureRun({ ...base, jobs: shardJobs, shard: { index: group.index, count: options.count } }, { keepOut: true });
        outDirs.push(measured.outDir!);
        return { ...measured, endedMs: performance.now() - begin };
      }),
    );
    const sideBySideMs = Math.max(...shards.map((shard) => shard.endedMs));
    const mergeBegin = performance.now();
    const merged = await mergeResults({
      inputs: shards.map((shard) => shard.outDir!),
      outDir: mergeDir,
      matrixFile: options.matrixFile,
      command: 'bench merge',
    });
    const mergeMs = performance.now() - mergeBegin;

    const expected = verdictLines(await readResult(unsharded.outDir!));
    const got = verdictLines(merged.result);
    const gotSet = new Set(got);
    const expectedSet = new Set(expected);
    const differences = [
      ...expected.filter((line) => !gotSet.has(line)).map((line) => `unsharded ${line}`),
      ...got.filter((line) => !expectedSet.has(line)).map((line) => `merged ${line}`),
    ];
    const differing = differences.length;
    const same = differing === 0 && merged.exitCode === unsharded.exitCode;
    const totalCost = groups.reduce((sum, group) => sum + group.cost, 0);
    const totalWall = shards.reduce((sum, shard) => sum + shard.wallMs, 0);
    const meanWall = totalWall / shards.length;
    const lines = [
      `shards_matrix=${options.matrixFile}`,
      `shards_count=${options.count}`,
      `shards_jobs_each=${shardJobs}`,
      `unsharded_jobs=${jobs}`,
      `shards_cells=${plan.cells.length}`,
      `unsharded_wall_s=${seconds(unsharded.wallMs)}`,
      `unsharded_cpu_s=${cpuSeconds(unsharded).toFixed(2)}`,
      `unsharded_exit_code=${unsharded.exitCode}`,
      `shards_side_by_side_wall_s=${seconds(sideBySideMs)}`,
      `shards_merge_s=${seconds(mergeMs)}`,
      `shards_total_wall_s=${seconds(sideBySideMs + mergeMs)}`,
      `shards_cpu_s=${shards.reduce((sum, shard) => sum + cpuSeconds(shard), 0).toFixed(2)}`,
      `shards_merged_exit_code=${merged.exitCode}`,
      `shards_same_verdicts=${same}`,
      `shards_verdict_differences=${differing}`,
      `shards_balance_max_over_mean=${(Math.max(...shards.map((shard) => shard.wallMs)) / meanWall).toFixed(3)}`,
    ];
    groups.forEach((group, position) => {
      const shard = shards[position]!;
      const p = `shard_${group.index}`;
      lines.push(
        `${p}_cells=${group.cells.length}`,
        `${p}_planned_cost=${group.cost}`,
        `${p}_planned_share=${(group.cost / totalCost).toFixed(3)}`,
        `${p}_wall_s=${seconds(shard.wallMs)}`,
        `${p}_measured_share=${(shard.wallMs / totalWall).toFixed(3)}`,
        `${p}_cpu_s=${cpuSeconds(shard).toFixed(2)}`,
        `${p}_peak_rss_mb=${shard.peakRssMb.toFixed(0)}`,
        `${p}_exit_code=${shard.exitCode}`,
      );
    });
    for (const difference of differences.slice(0, 20)) lines.push(`# verdict difference: ${difference}`);
    return { lines, exitCode: same ? 0 : 1 };
  } finally {
    await Promise.all([...outDirs.map((dir) => rm(join(dir, '..'), { recursive: true, force: true })), rm(mergeDir, { recursive: true, force: true })]);
  }
}
