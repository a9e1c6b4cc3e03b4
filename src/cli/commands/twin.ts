import { isListenFailure, listenError } from '../../common/listen-error.ts';
import { UsageError } from '../../errors/index.ts';
import { startTwin, TWIN_ROLES } from '../../twins/start-twin.ts';
import { parsePort } from '../option-values.ts';
import { installStopSignals, untilStopped } from '../signals.ts';

export interface TwinCommandOptions {
  role: string;
  version?: unknown;
  port?: unknown;
  host?: unknown;
}

/**
 * `twin <role>`: starts one twin with the upstream env vars of the current process, prints its URL
 * once it answers, and stops cleanly on SIGINT/SIGTERM. Other tools call this interface: keep it.
 */
export async function twinCommand(options: TwinCommandOptions): Promise<number> {
  if (!TWIN_ROLES.includes(options.role as never)) {
    throw new UsageError(`unknown twin "${options.role}"; allowed: ${TWIN_ROLES.join(', ')}`);
  }
  const env: Record<string, string | undefined> = { ...process.env };
  if (options.version !== undefined) env.TWIN_VERSION = String(options.version);
  const port = parsePort(options.port);
  const host = options.host === undefined ? '127.0.0.1' : String(options.host);
  // Listening before the URL is printed: whoever waits for that line may stop the twin at once. A copy of the
  // signal (npm relays it) is not taken as "force" (signals.ts).
  const stop = installStopSignals({ action: `stopping the ${options.role} twin`, stderr: process.stderr });
  // Twins that bind through listenOn already say which port is busy; this catches any that listen themselves.
  const twin = await startTwin(options.role, { env, port, host }).catch((error: unknown) => {
    stop.dispose();
    throw isListenFailure(error) ? listenError(error, host, port) : error;
  });
  // The URL goes to stdout for scripts; on a terminal that is where a person reads it too, so stderr does not repeat it.
  const where = process.stdout.isTTY === true ? ' (Ctrl-C stops it):' : ` on ${twin.url}`;
  process.stderr.write(`${options.role} twin${twin.version ? ` ${twin.version}` : ''} listening${where}\n`);
  process.stdout.write(`${twin.url}\n`);
  await untilStopped(stop);
  await twin.close();
  return 0;
}
