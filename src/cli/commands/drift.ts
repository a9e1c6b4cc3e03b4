import { mkdir } from 'node:fs/promises';
import { AttachSession } from '../../backends/attach/attach-session.ts';
import { connectAttachedChatwoot } from '../../backends/attach/attached-chatwoot.ts';
import { createRedactor } from '../../common/redact.ts';
import { renderDriftMarkdown, writeDrift } from '../../drift/render-drift.ts';
import { runDrift } from '../../drift/run-drift.ts';
import { DriftOptions, type DriftOptionsInput } from '../options/drift-options.ts';
import { parseCommandOptions } from '../options/option-fields.ts';
import { rejectOnAbort, runInterruptible } from '../signals.ts';
import { UsageError } from '../../errors/index.ts';

export interface DriftIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

/**
 * `drift --chatwoot-url URL`: the contract probes against that Chatwoot and against the twin of its profile, side by
 * side; writes drift.md and drift.json to --out. Exit 0 no difference a verdict reads, 1 at least one, 2 usage or
 * configuration (a refused token, a version without a profile), 3 infrastructure (unreachable). What it created on the
 * server is deleted before it exits, on failure and Ctrl-C too (its ledger in --out: `npm run clean -- --attached DIR`).
 */
export async function driftCommand(
  given: DriftOptionsInput,
  io: DriftIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  const options = parseCommandOptions('drift', DriftOptions, given);
  // Before anything is created on the server: the ledger of what drift creates goes there first.
  await mkdir(options.out, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`--out ${options.out}: cannot create that folder (${error.code ?? error.message})`);
  });
  return runInterruptible(
    {
      action: 'stopping the probes, deleting what drift created, then exiting',
      stderr: io.stderr,
      interrupted: (signal) => `interrupted by ${signal}: probes stopped, no report written`,
    },
    async (stop) => {
      const redactor = createRedactor();
      const attached = await connectAttachedChatwoot({
        chatwootUrl: options.chatwootUrl,
        asVersion: options.asVersion,
        advertiseHost: options.advertiseHost,
        env: io.env,
        redactor,
        timeoutMs: options.timeout,
      });
      const session = new AttachSession(attached, redactor);
      try {
        const report = await rejectOnAbort(runDrift(session, { ledgerDir: options.out, timeoutMs: options.timeout }), stop?.signal);
        const files = await writeDrift(report, options.out);
        io.stdout.write(renderDriftMarkdown(report));
        io.stderr.write(`drift: wrote ${files.markdown} and ${files.json}\n`);
        return report.exitCode;
      } finally {
        const removal = await session.cleanup();
        if (removal && removal.failed.length > 0) {
          io.stderr.write(
            `drift: ${removal.failed.length} resource(s) on ${attached.url} could not be removed; they are listed in ${session.ledgerFile}: npm run clean -- --attached ${options.out}\n`,
          );
        }
      }
    },
  );
}
