import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../../common/embedded-postgres.ts';

/**
 * The database every 2.x twin of a test file uses: one embedded PostgreSQL per file, started on first use, a schema
 * per twin (cheaper than a database each). Call `stopKitDatabase` in the file's afterAll.
 */
let shared: Promise<EmbeddedPostgresServer> | undefined;
let counter = 0;

export async function kitDatabaseEnv(): Promise<Record<string, string>> {
  shared ??= startEmbeddedPostgres();
  const server = await shared;
  counter += 1;
  return { DATABASE_PROVIDER: 'postgresql', DATABASE_CONNECTION_URI: await server.database('kit', `twin_${counter}`) };
}

export async function stopKitDatabase(): Promise<void> {
  const server = shared;
  shared = undefined;
  if (server) await (await server).stop();
}
