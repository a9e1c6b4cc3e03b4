/**
 * `npm run bench`: the matrix on the sim backend, each run in a process of its own (scripts/bench-child.mjs: the `run` command as `npm run matrix` starts it), printed
 * as key=value lines: wall time, CPU seconds (user, system, waited-for children), peak RSS, per-phase times,
 * services planned vs a naive stack per cell vs started. Then the growth: runs of the first 1, 2, … Chatwoot
 * versions' cells beside the full run, and the least-squares line through them — the fixed cost and the marginal
 * cost per added cell (wall, CPU, memory).
 *
 *   --extended            also the extended matrix (every known version) on sim, and the line from here to there
 *   --shards n            n shards side by side + merge vs the unsharded run (scripts/bench-shards.ts)
 *   --backend docker      also the run on docker, beside the naive stack-per-cell plan (scripts/bench-docker.ts)
 *   --no-growth           only the full run
 *
 * Numbers are measured here, never asserted in tests.
 */
import { join } from 'node:path';
import { cac } from 'cac';
import { loadMatrixFile } from '../src/matrix/load-matrix.ts';
import { EXTENDED_MATRIX_FILE } from '../src/matrix/select-cells.ts';
import { SUITE_CATALOG } from '../src/scenario/suite-catalog.ts';
import { cpuSeconds, measureRun, type Measurement } from './bench-measure.ts';
import { PROJECT_ROOT } from './generate-json-schemas.ts';
import { linearFit } from './linear-fit.ts';

function keyName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);

/** `prefix` '' keeps the historical key names of the sim run (sim_wall_s, planned_services, …). */
function runLines(label: string, prefix: string, measured: Measurement): string[] {
  const out = [
    `${label}_wall_s=${seconds(measured.wallMs)}`,
    `${label}_cpu_s=${cpuSeconds(measured).toFixed(2)}`,
    `${label}_cpu_user_s=${measured.cpuUserS.toFixed(2)}`,
    `${label}_cpu_system_s=${measured.cpuSystemS.toFixed(2)}`,
    `${label}_cpu_children_s=${measured.cpuChildrenS.toFixed(2)}`,
    `${label}_peak_rss_mb=${measured.peakRssMb.toFixed(0)}`,
    `${prefix}backend=${measured.backend}`,
    `${prefix}cells=${measured.cells}`,
    `${prefix}scenarios=${measured.scenarios}`,
    `${prefix}planned_services=${measured.plannedServices}`,
    `${prefix}naive_services=${measured.naiveServices}`,
    `${prefix}services_started=${measured.servicesStarted}`,
    `${prefix}planned_to_naive_ratio=${(measured.plannedServices / Math.max(1, measured.naiveServices)).toFixed(3)}`,
    `${prefix}exit_code=${measured.exitCode}`,
  ];
  for (const [phase, ms] of Object.entries(measured.phases)) out.push(`${prefix}phase_${keyName(phase)}_s=${seconds(ms)}`);
  return out;
}

/** The fixed cost and the cost per added cell, through (cells, value) of every run. */
function growthLines(prefix: string, runs: readonly Measurement[]): string[] {
  const distinct = new Set(runs.map((run) => run.cells));
  if (distinct.size < 2) return [`# ${prefix}: growth needs runs of two sizes`];
  const fit = (value: (run: Measurement) => number) => linearFit(runs.map((run) => [run.cells, value(run)] as const));
  const wall = fit((run) => run.wallMs / 1000);
  const cpu = fit(cpuSeconds);
  const rss = fit((run) => run.peakRssMb);
  return [
    `${prefix}_runs=${runs.map((run) => run.cells).join(',')}`,
    `${prefix}_marginal_wall_s_per_cell=${wall.slope.toFixed(3)}`,
    `${prefix}_marginal_cpu_s_per_cell=${cpu.slope.toFixed(3)}`,
    `${prefix}_marginal_rss_mb_per_cell=${rss.slope.toFixed(1)}`,
    `${prefix}_fixed_wall_s=${wall.intercept.toFixed(2)}`,
    `${prefix}_fixed_cpu_s=${cpu.intercept.toFixed(2)}`,
    `${prefix}_fixed_rss_mb=${rss.intercept.toFixed(0)}`,
  ];
}

const print = (lines: readonly string[]) => process.stdout.write(`${lines.join('\n')}\n`);

async function main(argv: string[]): Promise<number> {
  // The docker run and the naive plan run in this process: the AWS SDK's once-per-thread warning that its 2027
  // releases need Node 22 would land among the figures (the CLI sends library warnings to the run's log instead).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const cli = cac('bench');
  cli.option('--backend <backend>', 'Also run on this backend (docker)').option('--images <kind>', 'docker: upstream | twin', { default: 'twin' });
  cli.option('--matrix <file>', 'Matrix file', { default: join(PROJECT_ROOT, 'matrix.json') }).option('--jobs <n>', 'Cells / stacks at once');
  cli.option('--extended', 'Also the extended matrix on sim').option('--shards <n>', 'n shards side by side + merge vs unsharded');
  cli.option('--shards-matrix <file>', 'Matrix file of --shards', { default: join(PROJECT_ROOT, EXTENDED_MATRIX_FILE) });
  cli.option('--growth', 'Runs of fewer cells for the marginal cost per cell', { default: true });
  const { options } = cli.parse(['node', 'bench', ...argv], { run: false });
  const jobs = options.jobs !== undefined ? Number(options.jobs) : undefined;
  const matrixFile = String(options.matrix);
  const base = { matrixFile, backend: 'sim' as const, images: 'twin' as const, ...(jobs !== undefined ? { jobs } : {}) };
  let exitCode = 0;
  const note = (measured: Measurement) => {
    if (measured.exitCode !== 0) exitCode = measured.exitCode;
    return measured;
  };

  const full = note(await measureRun(base));
  print(runLines('sim', '', full));
  const runs = [full];
  if (options.growth) {
    const { config } = await loadMatrixFile(matrixFile, SUITE_CATALOG);
    const versions = config.axes.chatwoot;
    for (let count = 1; count < versions.length; count += 1) {
      const measured = note(await measureRun({ ...base, filters: { chatwoot: versions.slice(0, count) } }));
      print(runLines(`growth_cells_${measured.cells}`, `growth_cells_${measured.cells}_`, measured).slice(0, 6));
      runs.push(measured);
    }
    print(growthLines('sim', runs));
  }
  if (options.extended) {
    const extended = note(await measureRun({ ...base, matrixFile: join(PROJECT_ROOT, EXTENDED_MATRIX_FILE) }));
    print(runLines('extended', 'extended_', extended));
    print(growthLines('extended', [full, extended]));
  }
  if (options.shards !== undefined) {
    const count = Number(options.shards);
    if (!Number.isInteger(count) || count < 2) throw new Error(`--shards ${String(options.shards)}: give a whole number of at least 2`);
    const { benchShards } = await import('./bench-shards.ts');
    const shards = await benchShards({ matrixFile: String(options.shardsMatrix), count, jobs });
    print(shards.lines);
    if (shards.exitCode !== 0) exitCode = shards.exitCode;
  }
  if (options.backend === 'docker') {
    const images = options.images === 'upstream' ? 'upstream' : 'twin';
    // The docker run itself goes through runMatrix in this process (its containers' CPU is not ours to count).
    const { runMatrix } = await import('../src/runner/run-matrix.ts');
    const { measureDockerNaive, dockerComparisonLines } = await import('./bench-docker.ts');
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const outDir = await mkdtemp(join(tmpdir(), 'evochat-bench-docker-'));
    try {
      if (images === 'twin') {
        // A first build of the twin images is neither plan's cost: built (or checked) here, both runs only check.
        const { ensureTwinImages } = await import('../src/backends/docker/twin-images/ensure-twin-images.ts');
        const buildBegin = performance.now();
        await ensureTwinImages();
        print([`docker_twin_images_s=${seconds(performance.now() - buildBegin)}`]);
      }
      const begin = performance.now();
      const run = await runMatrix({ matrixFile, backend: 'docker', images, outDir, command: 'bench docker', ...(jobs !== undefined ? { jobs } : {}) });
      const wallMs = performance.now() - begin;
      print([`docker_wall_s=${seconds(wallMs)}`, `docker_backend=${run.result.backend}:${run.result.images ?? ''}`, `docker_exit_code=${run.exitCode}`]);
      for (const [phase, ms] of Object.entries(run.result.phases)) print([`docker_phase_${keyName(phase)}_s=${seconds(ms)}`]);
      if (run.exitCode !== 0) exitCode = run.exitCode;
      const naive = await measureDockerNaive(images, matrixFile, jobs);
      print(dockerComparisonLines(run, naive));
      print([`docker_wall_to_naive_ratio=${(wallMs / naive.wallMs).toFixed(3)}`]);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }
  return exitCode;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 3;
  },
);
