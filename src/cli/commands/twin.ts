import { UsageError } from '../../errors/index.ts';
import { startTwin, TWIN_ROLES } from '../../twins/start-twin.ts';
import { waitForSignal } from '../wait-for-signal.ts';

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
  let port: number | undefined;
  if (options.port !== undefined) {
    port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0-65535, got "${options.port}"`);
  }
  const twin = await startTwin(options.role, { env, port, host: options.host === undefined ? '127.0.0.1' : String(options.host) });
  process.stderr.write(`${options.role} twin${twin.version ? ` ${twin.version}` : ''} listening on ${twin.url}\n`);
  process.stdout.write(`${twin.url}\n`);
  const signal = await waitForSignal();
  process.stderr.write(`${signal}: stopping ${options.role} twin\n`);
  await twin.close();
  return 0;
}
