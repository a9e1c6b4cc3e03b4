import { canIUpgrade } from '../../upgrade/can-i-upgrade.ts';
import { renderUpgradeAnswer } from '../../upgrade/render-answer.ts';
import { ExitCodes, UsageError } from '../../errors/index.ts';
import { openAttach, type AttachHold } from '../attach-cli.ts';
import { attachOptionsOf } from '../options/attach-options.ts';
import { CanIUpgradeOptions, type CanIUpgradeOptionsInput } from '../options/can-i-upgrade-options.ts';
import { parseCommandOptions } from '../options/option-fields.ts';
import { runInterruptible, SERVICES_FORCE_NOTE } from '../signals.ts';

/**
 * `can-i-upgrade --chatwoot 3.7.0 --evolution 1.7.4 --to chatwoot@3.8.0`: exit 0 yes; 1 no, including
 * "unknown" (Pact's can-i-deploy); 2 usage; 3 when the runs could not give a verdict before any answer.
 */
export async function canIUpgradeCommand(given: CanIUpgradeOptionsInput): Promise<number> {
  const options = parseCommandOptions('can-i-upgrade', CanIUpgradeOptions, given);
  if (options.chatwootUrl !== undefined) {
    if (options.evolutionUrl !== undefined) {
      throw new UsageError('can-i-upgrade --evolution-url: with both servers attached nothing can move; attach the Chatwoot only and run Evolution as twins');
    }
    if (options.fromResult !== undefined)
      throw new UsageError('--from-result and --chatwoot-url exclude each other: one answers from a result, the other runs');
    if (/(^|,)\s*chatwoot@/i.test(options.to ?? '')) {
      throw new UsageError('--chatwoot-url: the attached Chatwoot is the Chatwoot of both pairs; only --to evolution@<version> can move', {
        hint: 'to judge a Chatwoot upgrade, run can-i-upgrade on twins or images, or attach the upgraded server with run --chatwoot-url',
      });
    }
  }
  return runInterruptible(
    {
      action: 'stopping every service, then exiting',
      stderr: process.stderr,
      forceNote: SERVICES_FORCE_NOTE,
      interrupted: (signal) => `interrupted by ${signal}: services stopped, no answer`,
    },
    async (stop) => {
      const hold = await openAttach(attachOptionsOf(options), process.env);
      try {
        return await answer(options, hold, stop);
      } finally {
        await hold?.close(process.stderr);
      }
    },
  );
}

async function answer(options: CanIUpgradeOptions, hold: AttachHold | undefined, stop: { signal: AbortSignal } | undefined): Promise<number> {
  const question = hold ? options.askAttached(hold.chatwoot.profile) : options.question!;
  const output = await canIUpgrade({
    question,
    ...(hold ? { attached: { profile: hold.chatwoot.profile, session: () => hold.session() } } : {}),
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
}
