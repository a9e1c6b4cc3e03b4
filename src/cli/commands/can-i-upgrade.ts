import { canIUpgrade } from '../../upgrade/can-i-upgrade.ts';
import { renderUpgradeAnswer } from '../../upgrade/render-answer.ts';
import { parseUpgradeQuestion } from '../../upgrade/upgrade-question.ts';
import { ExitCodes } from '../../errors/index.ts';
import { parseBackend, parseJobs } from '../option-values.ts';
import { runInterruptible, SERVICES_FORCE_NOTE } from '../signals.ts';

export interface CanIUpgradeCommandOptions extends Record<string, unknown> {
  chatwoot?: unknown;
  evolution?: unknown;
  storage?: unknown;
  to?: unknown;
  fromResult?: unknown;
  backend?: unknown;
  images?: unknown;
  matrix?: unknown;
  jobs?: unknown;
  out?: unknown;
  json?: unknown;
  progress?: unknown;
}

/**
 * `can-i-upgrade --chatwoot 3.7.0 --evolution 1.7.4 --to chatwoot@3.8.0`: exit 0 yes; 1 no, including
 * "unknown" (Pact's can-i-deploy); 2 usage; 3 when the runs could not give a verdict before any answer.
 */
export async function canIUpgradeCommand(options: CanIUpgradeCommandOptions): Promise<number> {
  const question = parseUpgradeQuestion(options);
  const jobs = parseJobs(options.jobs);
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
        ...(typeof options.fromResult === 'string' ? { fromResult: options.fromResult } : {}),
        ...(typeof options.matrix === 'string' ? { matrixFile: options.matrix } : {}),
        backend: parseBackend(options.backend),
        images: typeof options.images === 'string' ? options.images : 'upstream',
        ...(typeof options.out === 'string' ? { outDir: options.out } : {}),
        ...(jobs ? { jobs } : {}),
        ...(options.progress !== false && process.stderr.isTTY ? { progressStream: process.stderr } : {}),
        ...(stop ? { signal: stop.signal } : {}),
        command: `evochat-matrix can-i-upgrade --chatwoot ${question.current.chatwoot} --evolution ${question.current.evolution} --to ${String(options.to)} --storage ${question.storage}`,
      });
      if (options.json)
        process.stdout.write(`${JSON.stringify({ ...output.answer, source: output.source, ...(output.path ? { path: output.path } : {}) }, null, 2)}\n`);
      else process.stdout.write(renderUpgradeAnswer(output));
      return output.answer.answer === 'yes' ? ExitCodes.ok : ExitCodes.unexpected;
    },
  );
}
