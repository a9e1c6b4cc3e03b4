import type { AttachSession } from '../backends/attach/attach-session.ts';
import type { AttachedChatwoot } from '../backends/attach/attached-chatwoot.ts';
import type { AttachedEvolution } from '../backends/attach/attached-evolution.ts';
import type { Redactor } from '../common/redact.ts';
import { UsageError } from '../errors/index.ts';
import type { AttachOptions } from './options/attach-options.ts';

/**
 * What a command holds on the attached servers: the checked Chatwoot, and one session per run it starts (each with its
 * own ledger in that run's folder). The command closes it whatever happens: normal end, failure, Ctrl-C.
 */
export interface AttachHold {
  chatwoot: AttachedChatwoot;
  /** `--evolution-url`: the attached Evolution, checked. */
  evolution: AttachedEvolution | undefined;
  redactor: Redactor;
  /** A session for one run; every session handed out is cleaned up by close(). */
  session(): AttachSession;
  /** Deletes what the runs created and says so, one line per session (or what is left, and how it goes). */
  close(stderr: NodeJS.WritableStream | { write(text: string): unknown }): Promise<void>;
}

function stray(options: AttachOptions): string | undefined {
  if (options.asVersion !== undefined) return '--as-version';
  if (options.advertiseHost !== undefined) return '--advertise-host';
  if (options.evolutionUrl !== undefined) return '--evolution-url';
  if (options.config !== undefined) return '--config';
  return undefined;
}

/**
 * `--chatwoot-url` (and the flags that go with it): checks the server before anything is created on it; undefined without
 * the flag. Bad input is one named error (attached-chatwoot.ts) before any service starts.
 */
export async function openAttach(options: AttachOptions, env: Readonly<Record<string, string | undefined>>): Promise<AttachHold | undefined> {
  if (options.chatwootUrl === undefined) {
    const flag = stray(options);
    if (flag) throw new UsageError(`${flag} applies only with --chatwoot-url`);
    return undefined;
  }
  const { connectAttachedChatwoot, checkAttachUrl } = await import('../backends/attach/attached-chatwoot.ts');
  const { AttachSession } = await import('../backends/attach/attach-session.ts');
  const { resolveAttachCredentials } = await import('../backends/attach/attach-credentials.ts');
  const { createRedactor } = await import('../common/redact.ts');
  const url = new URL(checkAttachUrl(options.chatwootUrl));
  // The recording proxy in front of the attached server forwards to an origin (evidence/forward-http.ts).
  if (url.pathname !== '/') {
    throw new UsageError(`--chatwoot-url ${url.origin}${url.pathname}: the attach backend reaches a Chatwoot at the root of its origin only (no path prefix)`, {
      hint: 'run drift against it, or give the origin that serves Chatwoot at /',
    });
  }
  const redactor = createRedactor();
  const credentials = await resolveAttachCredentials({ env, configFile: options.config, redactor });
  const chatwoot = await connectAttachedChatwoot({
    chatwootUrl: options.chatwootUrl,
    asVersion: options.asVersion,
    advertiseHost: options.advertiseHost,
    env,
    platformToken: credentials.platformToken,
    tokenSource: credentials.sources.platformToken,
    redactor,
  });
  let evolution: AttachedEvolution | undefined;
  if (options.evolutionUrl !== undefined) {
    const { connectAttachedEvolution } = await import('../backends/attach/attached-evolution.ts');
    evolution = await connectAttachedEvolution({
      evolutionUrl: options.evolutionUrl,
      apiKey: credentials.evolutionKey,
      keySource: credentials.sources.evolutionKey,
      redactor,
    });
  }
  const sessions: AttachSession[] = [];
  return {
    chatwoot,
    evolution,
    redactor,
    session() {
      const session = new AttachSession(chatwoot, redactor, evolution);
      sessions.push(session);
      return session;
    },
    async close(stderr) {
      for (const session of sessions) {
        const report = await session.cleanup();
        if (!report) continue;
        if (report.failed.length === 0) {
          const instances = report.removed.filter((resource) => resource.kind === 'instance').length;
          stderr.write(
            `attached: removed ${report.removed.length - instances} account(s) and user(s) this run created on ${chatwoot.url}` +
              `${evolution ? `, ${instances} instance(s) on ${evolution.url}` : ''}\n`,
          );
          continue;
        }
        stderr.write(
          `attached: ${report.failed.length} resource(s) on ${chatwoot.url} could not be removed (${report.failed[0]!.error}); ` +
            `they are listed in ${session.ledgerFile}: npm run clean -- --attached <that folder>\n`,
        );
      }
    },
  };
}
