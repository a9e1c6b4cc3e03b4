/**
 * The locally built PostgreSQL image (`localhost/evochat-twin/postgres:15`): not a twin but a real PostgreSQL 15 server
 * (the binaries of postgres-binaries.ts), for Evolution 2.x in twin-image runs, where no upstream image can be pulled.
 * It is started the way the official image starts (docker-library/postgres docker-entrypoint.sh, behaviour only):
 * POSTGRES_PASSWORD required on a fresh volume, POSTGRES_USER (default postgres), POSTGRES_DB (default the user),
 * initdb and a temporary server for the setup, then the real server on every address, port 5432, so the readiness
 * line "database system is ready to accept connections" appears twice, as the specs' wait expects.
 */
import { appendFileSync, chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { LogSink } from '../../common/log-sink.ts';
import { initCluster, postgresRunAs, spawnPostgres } from '../../common/embedded-postgres.ts';

export const POSTGRES_DATA_DIR = '/var/lib/postgresql/data';
const PORT = 5432;

export async function runPostgresContainer(env: NodeJS.ProcessEnv, log: LogSink, stopped: Promise<unknown>): Promise<number> {
  const user = env.POSTGRES_USER || 'postgres';
  const password = env.POSTGRES_PASSWORD ?? '';
  const database = env.POSTGRES_DB || user;
  if (password === '') {
    log.write('Error: Database is uninitialized and superuser password is not specified.');
    log.write('       You must specify POSTGRES_PASSWORD to a non-empty value for the superuser.');
    return 1;
  }
  const dataDir = env.PGDATA || POSTGRES_DATA_DIR;
  const runAs = await postgresRunAs();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (runAs) chownSync(dataDir, runAs.uid, runAs.gid);
  await initCluster({ dataDir, user, password, runAs, log });
  // initdb allows loopback only; the official image lets every host in with the password, as here.
  appendFileSync(join(dataDir, 'pg_hba.conf'), '\nhost all all all scram-sha-256\n');
  const setup = await spawnPostgres({ dataDir, port: PORT, listen: '127.0.0.1', runAs, log });
  try {
    if (database !== 'postgres') {
      const client = new pg.Client({ host: '127.0.0.1', port: PORT, user, password, database: 'postgres' });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
      } finally {
        await client.end();
      }
    }
  } finally {
    await setup.stop();
  }
  log.write('PostgreSQL init process complete; ready for start up.');
  const server = await spawnPostgres({ dataDir, port: PORT, listen: '*', runAs, log });
  await Promise.race([stopped, new Promise((resolve) => server.child.once('exit', resolve))]);
  const code = server.child.exitCode;
  await server.stop();
  return code === null || code === 0 ? 0 : 1;
}
