import { resolve } from 'node:path';
import { UsageError } from '../../errors/index.ts';
import { renderKeptStacks, renderReproSummary, runRepro } from '../../repro/run-repro.ts';
import { waitForSignal } from '../wait-for-signal.ts';

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
  const run = await runRepro({
    file: options.file,
    outDir,
    backend: typeof options.backend === 'string' ? options.backend : 'auto',
    images: typeof options.images === 'string' ? options.images : 'upstream',
    progress: options.progress !== false && process.stderr.isTTY === true,
    command: ['evochat-matrix', 'repro', options.file, '--out', String(options.out ?? 'repro-bundle')].join(' '),
    ...(options.keep
      ? {
          keep: {
            hold: async (stacks) => {
              process.stdout.write(renderKeptStacks(stacks));
              const signal = await waitForSignal();
              process.stderr.write(`${signal}: stopping the stack\n`);
            },
          },
        }
      : {}),
  });
  process.stdout.write(renderReproSummary(run, outDir));
  return run.exitCode;
}
