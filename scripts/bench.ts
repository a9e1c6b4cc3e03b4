/**
 * `npm run bench`: the full matrix on the sim backend, in-process through runMatrix, printed as
 * key=value lines (wall time, per-phase times, services planned vs a naive stack per cell vs started).
 * `npm run bench -- --backend docker [--images twin|upstream]` adds the same run on docker, with
 * docker_* keys. Numbers are measured here, never asserted in tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cac } from 'cac';
import { runMatrix, type RunMatrixOutput } from '../src/runner/run-matrix.ts';
import { PROJECT_ROOT } from './generate-json-schemas.ts';

interface BenchTarget {
  /** Key prefix: `sim` keys keep the historical names (sim_wall_s, planned_services, …). */
  prefix: 'sim' | 'docker';
  backend: 'sim' | 'docker';
  images: 'upstream' | 'twin';
}

function keyName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

async function measure(target: BenchTarget, matrixFile: string, jobs: number | undefined): Promise<{ wallMs: number; run: RunMatrixOutput }> {
  const outDir = await mkdtemp(join(tmpdir(), `evochat-bench-${target.prefix}-`));
  try {
    const begin = performance.now();
    const run = await runMatrix({
      matrixFile,
      backend: target.backend,
      images: target.images,
      outDir,
      command: `bench ${target.backend}`,
      ...(jobs !== undefined ? { jobs } : {}),
    });
    return { wallMs: performance.now() - begin, run };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

function lines(target: BenchTarget, wallMs: number, run: RunMatrixOutput): string[] {
  const p = target.prefix === 'sim' ? '' : `${target.prefix}_`;
  const { result, plan } = run;
  const scenarios = result.cells.reduce((sum, cell) => sum + cell.scenarios.length, 0);
  const out = [
    `${target.prefix}_wall_s=${seconds(wallMs)}`,
    `${p}backend=${result.backend}${result.images ? `:${result.images}` : ''}`,
    `${p}cells=${result.cells.length}`,
    `${p}scenarios=${scenarios}`,
    `${p}planned_services=${plan.services.length}`,
    `${p}naive_services=${plan.naiveServiceCount}`,
    `${p}services_started=${result.services?.started ?? 0}`,
    `${p}planned_to_naive_ratio=${(plan.services.length / Math.max(1, plan.naiveServiceCount)).toFixed(3)}`,
    `${p}exit_code=${result.exitCode}`,
  ];
  for (const [phase, ms] of Object.entries(result.phases)) out.push(`${p}phase_${keyName(phase)}_s=${seconds(ms)}`);
  return out;
}

async function main(argv: string[]): Promise<number> {
  const cli = cac('bench');
  cli.option('--backend <backend>', 'Also run on this backend (docker)').option('--images <kind>', 'docker: upstream | twin', { default: 'twin' });
  cli.option('--matrix <file>', 'Matrix file', { default: join(PROJECT_ROOT, 'matrix.json') }).option('--jobs <n>', 'Cells / stacks at once');
  const { options } = cli.parse(['node', 'bench', ...argv], { run: false });
  const jobs = options.jobs !== undefined ? Number(options.jobs) : undefined;
  const targets: BenchTarget[] = [{ prefix: 'sim', backend: 'sim', images: 'upstream' }];
  if (options.backend === 'docker') targets.push({ prefix: 'docker', backend: 'docker', images: options.images === 'upstream' ? 'upstream' : 'twin' });

  let exitCode = 0;
  for (const target of targets) {
    const { wallMs, run } = await measure(target, String(options.matrix), jobs);
    process.stdout.write(`${lines(target, wallMs, run).join('\n')}\n`);
    if (run.exitCode !== 0) exitCode = run.exitCode;
    if (target.prefix === 'docker') {
      // The naive stack-per-cell plan on the same backend and images, side by side (scripts/bench-docker.ts).
      const { measureDockerNaive, dockerComparisonLines } = await import('./bench-docker.ts');
      const naive = await measureDockerNaive(target.images, String(options.matrix), jobs);
      process.stdout.write(`${dockerComparisonLines(run, naive).join('\n')}\n`);
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
