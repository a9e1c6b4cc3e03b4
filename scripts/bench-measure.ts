/**
 * Runs one bench measurement in its own process and returns what it measured: the `run` command as `npm run matrix`
 * starts it (scripts/bench-child.mjs loads bin/evochat-matrix.mjs), timed here from spawn to exit, its CPU and peak
 * memory reported by the child at exit, and the plan's figures read from the run's result.json.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { RunResult } from '../src/model/result-schema.ts';
import { PROJECT_ROOT } from './generate-json-schemas.ts';

export interface BenchRunInput {
  matrixFile: string;
  backend: 'sim' | 'docker';
  images: 'upstream' | 'twin';
  jobs?: number;
  filters?: { chatwoot?: string[]; storage?: string[] };
  shard?: { index: number; count: number };
}

export interface Measurement {
  /** From spawning the process to its exit: what a user of `npm run matrix` waits for. */
  wallMs: number;
  cpuUserS: number;
  cpuSystemS: number;
  /** CPU of child processes the run waited for (0 where /proc is missing). */
  cpuChildrenS: number;
  peakRssMb: number;
  cells: number;
  scenarios: number;
  exitCode: number;
  phases: Record<string, number>;
  plannedServices: number;
  naiveServices: number;
  servicesStarted: number;
  backend: string;
  /** The run's --out, when it was kept (keepOut). */
  outDir?: string;
}

const ChildOutput = z.object({
  exitCode: z.number().int(),
  cpuUserS: z.number(),
  cpuSystemS: z.number(),
  cpuChildrenS: z.number(),
  peakRssMb: z.number(),
});

/** The `run` command's arguments for one measured run. */
export function runArguments(input: BenchRunInput, outDir: string): string[] {
  const args = ['--matrix', input.matrixFile, '--backend', input.backend, '--out', outDir, '--no-progress'];
  if (input.backend === 'docker') args.push('--images', input.images);
  if (input.jobs !== undefined) args.push('--jobs', String(input.jobs));
  if (input.filters?.chatwoot) args.push('--chatwoot', input.filters.chatwoot.join(','));
  if (input.filters?.storage) args.push('--storage', input.filters.storage.join(','));
  if (input.shard) args.push('--shard', `${input.shard.index}/${input.shard.count}`);
  return args;
}

/** Starts the measured run now; resolves when it has ended. `keepOut` leaves its result folder for merge. */
export async function measureRun(input: BenchRunInput, options: { keepOut?: boolean } = {}): Promise<Measurement> {
  const work = await mkdtemp(join(tmpdir(), 'evochat-bench-'));
  const outDir = join(work, 'out');
  const outputFile = join(work, 'measured.json');
  try {
    const begin = performance.now();
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [join(PROJECT_ROOT, 'scripts', 'bench-child.mjs')], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, BENCH_CHILD_ARGS: JSON.stringify(runArguments(input, outDir)), BENCH_CHILD_OUTPUT: outputFile },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (exit, signal) => resolve(exit ?? (signal ? 128 : 1)));
    });
    const wallMs = performance.now() - begin;
    // Exit 1 (an unexpected verdict) is a measured run like any other; without a result the run itself failed.
    const result = await readFile(join(outDir, 'result.json'), 'utf8').then(
      (text) => RunResult.parse(JSON.parse(text)),
      () => undefined,
    );
    if (!result) throw new Error(`the measured run exited with ${code} and wrote no result.json`);
    const measured = ChildOutput.parse(JSON.parse(await readFile(outputFile, 'utf8')));
    return {
      wallMs,
      ...measured,
      cells: result.cells.length,
      scenarios: result.cells.reduce((sum, cell) => sum + cell.scenarios.length, 0),
      phases: result.phases,
      plannedServices: result.services?.planned ?? 0,
      naiveServices: result.services?.naive ?? 0,
      servicesStarted: result.services?.started ?? 0,
      backend: `${result.backend}${result.images ? `:${result.images}` : ''}`,
      ...(options.keepOut ? { outDir } : {}),
    };
  } finally {
    if (!options.keepOut) await rm(work, { recursive: true, force: true });
  }
}

export function cpuSeconds(measured: Measurement): number {
  return measured.cpuUserS + measured.cpuSystemS + measured.cpuChildrenS;
}
