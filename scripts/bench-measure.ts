/** Runs one bench measurement in its own process (scripts/bench-child.ts) and returns what it measured. */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchChildInput, BenchChildOutput } from './bench-child.ts';
import { PROJECT_ROOT } from './generate-json-schemas.ts';

export type { BenchChildOutput } from './bench-child.ts';

export interface Measurement extends BenchChildOutput {
  /** The run's --out, when it was kept (keepOut). */
  outDir?: string;
}

/** Starts the measured run now; resolves when it has ended. `keepOut` leaves its result folder for merge. */
export async function measureRun(input: Omit<BenchChildInput, 'outDir'>, options: { keepOut?: boolean } = {}): Promise<Measurement> {
  const work = await mkdtemp(join(tmpdir(), 'evochat-bench-'));
  const outDir = join(work, 'out');
  const outputFile = join(work, 'measured.json');
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'bench-child.ts')], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, BENCH_CHILD_INPUT: JSON.stringify({ ...input, outDir }), BENCH_CHILD_OUTPUT: outputFile },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (exit, signal) => resolve(exit ?? (signal ? 128 : 1)));
    });
    if (code !== 0) throw new Error(`the measured run exited with ${code}`);
    const measured = JSON.parse(await readFile(outputFile, 'utf8')) as BenchChildOutput;
    return options.keepOut ? { ...measured, outDir } : measured;
  } finally {
    if (!options.keepOut) await rm(work, { recursive: true, force: true });
  }
}

export function cpuSeconds(measured: BenchChildOutput): number {
  return measured.cpuUserS + measured.cpuSystemS + measured.cpuChildrenS;
}
