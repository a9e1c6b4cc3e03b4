import { resolve } from 'node:path';
import { renderKeptStacks, renderReproSummary, runRepro } from '../../repro/run-repro.ts';
import { parseCommandOptions } from '../options/option-fields.ts';
import { ReproOptions, type ReproOptionsInput } from '../options/repro-options.ts';
import { openAttach } from '../attach-cli.ts';
import { attachOptionsOf } from '../options/attach-options.ts';
import { runInterruptible, SERVICES_FORCE_NOTE, untilStopped } from '../signals.ts';

/**
 * `repro FILE --out DIR`: runs the bug report's setup and writes the bundle. Exit 0 reproduced,
 * 1 not reproduced, 2 bad report or options, 3 no verdict (infrastructure).
 */
export async function reproCommand(given: ReproOptionsInput): Promise<number> {
  const options = parseCommandOptions('repro', ReproOptions, given);
  const outDir = resolve(options.out);
  return runInterruptible(
    {
      action: options.keep ? 'stopping every service (a kept stack too), then exiting' : 'stopping every service, then exiting',
      stderr: process.stderr,
      forceNote: SERVICES_FORCE_NOTE,
      interrupted: (signal) => `interrupted by ${signal}: services stopped, no verdict`,
    },
    async (stop) => {
      const hold = await openAttach(attachOptionsOf(options), process.env);
      try {
        const run = await runRepro({
          ...(hold ? { attached: hold.session() } : {}),
          file: options.file,
          outDir,
          backend: options.backend,
          images: options.images,
          progress: options.progress && process.stderr.isTTY === true,
          command: ['evochat-matrix', 'repro', options.file, '--out', options.out].join(' '),
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
        for (const note of run.attachNotes) process.stderr.write(`attached: ${note}\n`);
        process.stdout.write(renderReproSummary(run, outDir));
        return run.exitCode;
      } finally {
        await hold?.close(process.stderr);
      }
    },
  );
}
