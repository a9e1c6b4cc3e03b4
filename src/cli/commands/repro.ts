import { resolve } from 'node:path';
import { UsageError } from '../../errors/index.ts';
import { renderKeptStacks, renderReproSummary, runRepro } from '../../repro/run-repro.ts';
import { parseBackend } from '../option-values.ts';
import { runInterruptible, SERVICES_FORCE_NOTE, untilStopped } from '../signals.ts';

export interface ReproCommandOptions extends Record<string, unknown> {
  file: string;
  out?: unknown;
  backend?: unknown;
  images?: unknown;
  keep?: unknown;
  progress?: unknown;
}

/**
 * `repro FILE --out DIR`: runs the bug report's setup and writes the bundle. Exit 0 reproduced,
 * 1 not reproduced, 2 bad report or options, 3 no verdict (infrastructure).
 */
export async function reproCommand(options: ReproCommandOptions): Promise<number> {
  if (!options.file) throw new UsageError('repro needs a bug report file: evochat-matrix repro FILE --out DIR');
  const outDir = resolve(typeof options.out === 'string' ? options.out : 'repro-bundle');
  return runInterruptible(
    {
      action: options.keep ? 'stopping every service (a kept stack too), then exiting' : 'stopping every service, then exiting',
      stderr: process.stderr,
      forceNote: SERVICES_FORCE_NOTE,
      interrupted: (signal) => `interrupted by ${signal}: services stopped, no verdict`,
    },
    async (stop) => {
      const run = await runRepro({
        file: options.file,
        outDir,
        backend: parseBackend(options.backend),
        images: typeof options.images === 'string' ? options.images : 'upstream',
        progress: options.progress !== false && process.stderr.isTTY === true,
        command: ['evochat-matrix', 'repro', options.file, '--out', String(options.out ?? 'repro-bundle')].join(' '),
        ...(stop ? { signal: stop.signal } : {}),
        ...(options.keep && stop
          ? {
              keep: {
                // The stack stays up until the first signal; the bundle is complete by then, so the exit code is the verdict's.
                hold: async (stacks) => {
                  process.stdout.write(renderKeptStacks(stacks));
                  await untilStopped(stop);
                },
              },
            }
          : {}),
      });
      process.stdout.write(renderReproSummary(run, outDir));
      return run.exitCode;
    },
  );
}
