/**
 * The docker half of `npm run bench -- --backend docker [--images twin]`: after bench.ts has run the
 * planned matrix through runMatrix, this runs the naive plan (a full stack per cell, scripts/naive-plan.ts)
 * on the same backend, images and --jobs, through the same Backend.start → runSuites → stop, and prints
 * both side by side: wall time, time per phase, containers started.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerBackend } from '../src/backends/docker/docker-backend.ts';
import type { ImagesKind } from '../src/backends/docker/images.ts';
import { loadMatrixFile } from '../src/matrix/load-matrix.ts';
import { selectCells } from '../src/matrix/select-cells.ts';
import type { RunMatrixOutput } from '../src/runner/run-matrix.ts';
import { runSuites } from '../src/runner/run-suites.ts';
import type { ScenarioOutcome } from '../src/model/scenario-outcome.ts';
import { SUITE_CATALOG } from '../src/scenario/suite-catalog.ts';
import { naivePlan } from './naive-plan.ts';

export interface NaiveMeasurement {
  wallMs: number;
  phases: Record<string, number>;
  containersStarted: number;
  services: number;
  outcomes: ScenarioOutcome[];
}

export async function measureDockerNaive(images: ImagesKind, matrixFile: string, jobs: number | undefined): Promise<NaiveMeasurement> {
  const { config } = await loadMatrixFile(matrixFile, SUITE_CATALOG);
  const cells = selectCells(config, {});
  const plan = naivePlan(cells, config.settings);
  const effectiveJobs = jobs ?? config.jobs;
  const outDir = await mkdtemp(join(tmpdir(), 'evochat-bench-docker-naive-'));
  const begin = performance.now();
  const environment = await createDockerBackend({ images }).start(plan, {
    runId: `bench-naive-${Date.now().toString(36)}`,
    jobs: effectiveJobs,
    artifactsDir: join(outDir, 'cells'),
  });
  const phases: Record<string, number> = { ...environment.phases };
  let outcomes: ScenarioOutcome[] = [];
  try {
    const scenariosBegin = performance.now();
    const suites = cells[0]?.suites ?? [];
    outcomes = await runSuites({
      stacks: plan.cells.map((cell) => environment.stacks.get(cell.id)!),
      suites,
      jobs: effectiveJobs,
      artifactsDir: join(outDir, 'cells'),
      suitesByCell: Object.fromEntries(plan.cells.map((cell) => [cell.id, cell.suites])),
    });
    phases.scenarios = performance.now() - scenariosBegin;
  } finally {
    const stopBegin = performance.now();
    await environment.stop();
    phases.stop = performance.now() - stopBegin;
    await rm(outDir, { recursive: true, force: true });
  }
  return { wallMs: performance.now() - begin, phases, containersStarted: environment.servicesStarted, services: plan.services.length, outcomes };
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const keyName = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

/** Cells × scenarios whose status differs between the planned and the naive run (should be none). */
export function gridDifferences(planned: RunMatrixOutput, naive: readonly ScenarioOutcome[]): string[] {
  const naiveStatus = new Map(naive.map((outcome) => [`${outcome.cellId}|${outcome.id}`, outcome.status]));
  const differences: string[] = [];
  for (const cell of planned.result.cells) {
    for (const scenario of cell.scenarios) {
      const other = naiveStatus.get(`${cell.id}|${scenario.id}`);
      if (other !== scenario.status) differences.push(`${cell.id} ${scenario.id}: planned ${scenario.status}, naive ${other ?? 'missing'}`);
    }
  }
  return differences;
}

/** key=value lines: the planned run's container count next to the naive run's numbers. */
export function dockerComparisonLines(planned: RunMatrixOutput, naive: NaiveMeasurement): string[] {
  const differences = gridDifferences(planned, naive.outcomes);
  const started = planned.result.services?.started ?? 0;
  const lines = [
    `containers_started=${started}`,
    `naive_containers=${naive.containersStarted}`,
    `containers_planned_to_naive_ratio=${(started / Math.max(1, naive.containersStarted)).toFixed(3)}`,
    `docker_naive_wall_s=${seconds(naive.wallMs)}`,
    `docker_naive_services=${naive.services}`,
  ];
  for (const [phase, ms] of Object.entries(naive.phases)) lines.push(`docker_naive_phase_${keyName(phase)}_s=${seconds(ms)}`);
  lines.push(`docker_naive_same_grid=${differences.length === 0}`);
  lines.push(`docker_naive_grid_differences=${differences.length}`);
  for (const difference of differences.slice(0, 20)) lines.push(`# grid difference: ${difference}`);
  return lines;
}
