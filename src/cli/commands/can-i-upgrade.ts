import { canIUpgrade } from '../../upgrade/can-i-upgrade.ts';
import { renderUpgradeAnswer } from '../../upgrade/render-answer.ts';
import { ExitCodes } from '../../errors/index.ts';
import { CanIUpgradeOptions, type CanIUpgradeOptionsInput } from '../options/can-i-upgrade-options.ts';
import { parseCommandOptions } from '../options/option-fields.ts';
import { runInterruptible, SERVICES_FORCE_NOTE } from '../signals.ts';

/**
 * `can-i-upgrade --chatwoot 3.7.0 --evolution 1.7.4 --to chatwoot@3.8.0`: exit 0 yes; 1 no, including
 * "unknown" (Pact's can-i-deploy); 2 usage; 3 when the runs could not give a verdict before any answer.
 */
export async function canIUpgradeCommand(given: CanIUpgradeOptionsInput): Promise<number> {
  const options = parseCommandOptions('can-i-upgrade', CanIUpgradeOptions, given);
  const { question } = options;
  return runInterruptible(
    {
      action: 'stopping every service, then exiting',
      stderr: process.stderr,
      forceNote: SERVICES_FORCE_NOTE,
      interrupted: (signal) => `interrupted by ${signal}: services stopped, no answer`,
    },
    async (stop) => {
      const output = await canIUpgrade({
        question,
        ...(options.fromResult !== undefined ? { fromResult: options.fromResult } : {}),
        ...(options.matrix !== undefined ? { matrixFile: options.matrix } : {}),
        backend: options.backend,
        images: options.images,
        ...(options.out !== undefined ? { outDir: options.out } : {}),
        ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
        ...(options.progress && process.stderr.isTTY ? { progressStream: process.stderr } : {}),
        ...(stop ? { signal: stop.signal } : {}),
        command: `evochat-matrix can-i-upgrade --chatwoot ${question.current.chatwoot} --evolution ${question.current.evolution} --to ${options.to} --storage ${question.storage}`,
      });
      if (options.json)
        process.stdout.write(
          `${JSON.stringify(
            {
              ...output.answer,
              source: output.source,
              ...(output.path ? { path: output.path } : {}),
              ...(output.evolutionChanges ? { evolutionChanges: output.evolutionChanges } : {}),
            },
            null,
            2,
          )}\n`,
        );
      else process.stdout.write(renderUpgradeAnswer(output));
      return output.answer.answer === 'yes' ? ExitCodes.ok : ExitCodes.unexpected;
    },
  );
}
