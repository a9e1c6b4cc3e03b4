import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createMemorySink } from '../../common/log-sink.ts';
import { waitFor } from '../../common/wait-for.ts';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../common/embedded-postgres.ts';
import { ConfigError, ErrorCodes, InfrastructureError } from '../../errors/index.ts';
import { reserveClosedPort } from '../../common/closed-port.ts';
import { startEvolutionTwin } from './start-evolution-twin.ts';
import { GEN2_KIT_ENV, http, KIT_API_KEY } from './test-support/evolution-test-kit.ts';

/** No start without a reachable database (evolution-api-2.x.md §0.2, §1.4), against a real PostgreSQL. */
let server: EmbeddedPostgresServer;
beforeAll(async () => {
  server = await startEmbeddedPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

function start(env: Record<string, string>) {
  const sink = createMemorySink();
  const started = startEvolutionTwin({ env: { TWIN_VERSION: '2.3.6', AUTHENTICATION_API_KEY: KIT_API_KEY, ...GEN2_KIT_ENV, ...env }, port: 0, log: sink });
  return { started, sink };
}

describe('Evolution 2.x database at start', () => {
  it('refuses to start when the database is unreachable: "Migration failed", EVOCHAT_E_SERVICE_START', async () => {
    const port = await reserveClosedPort();
    const { started, sink } = start({ DATABASE_PROVIDER: 'postgresql', DATABASE_CONNECTION_URI: `postgresql://u:p@127.0.0.1:${port}/evolution` });
    const error: unknown = await started.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(InfrastructureError);
    expect((error as InfrastructureError).code).toBe(ErrorCodes.serviceStart);
    expect((error as Error).message).toContain('Migration failed');
    expect(sink.lines()).toEqual([
      'Deploying migrations for postgresql',
      'Database URL: ',
      `Error: P1001: Can't reach database server at \`127.0.0.1:${port}\``,
      '',
      `Please make sure your database server is running at \`127.0.0.1:${port}\`.`,
      'Migration failed',
    ]);
  });

  it('answers wrong credentials with Prisma P1000', async () => {
    const { started, sink } = start({
      DATABASE_PROVIDER: 'postgresql',
      DATABASE_CONNECTION_URI: `postgresql://${server.user}:wrong@127.0.0.1:${server.port}/evolution`,
    });
    await expect(started).rejects.toThrow(/Migration failed/);
    expect(sink.lines()).toContain(
      `Error: P1000: Authentication failed against database server at \`127.0.0.1\`, the provided database credentials for \`${server.user}\` are not valid.`,
    );
  });

  it('exits on a provider the entrypoint does not accept', async () => {
    const { started, sink } = start({ DATABASE_PROVIDER: 'mongodb' });
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    expect(sink.lines()).toEqual(['Error: Database provider mongodb invalid.']);
  });

  it('migrates, then keeps a row per instance until its deletion finished (§M.1)', async () => {
    const uri = await server.database('dbtest', 'evolution_api');
    const { started, sink } = start({ DATABASE_PROVIDER: 'postgresql', DATABASE_CONNECTION_URI: uri, TWIN_DELETION_DELAY_MS: '50' });
    const twin = await started;
    try {
      expect(sink.lines().slice(0, 3)).toEqual(['Deploying migrations for postgresql', 'Database URL: ', 'Migration succeeded']);
      const headers = { apikey: KIT_API_KEY };
      expect((await http('POST', `${twin.url}/instance/create`, { headers, body: { instanceName: 'rowed', integration: 'WHATSAPP-BAILEYS' } })).status).toBe(
        201,
      );
      const client = new pg.Client({ connectionString: uri.replace(/\?.*$/, '') });
      await client.connect();
      try {
        const rows = async () => (await client.query<{ name: string }>('SELECT name FROM evolution_api."Instance"')).rows.map((row) => row.name);
        expect(await rows()).toEqual(['rowed']);
        expect((await http('DELETE', `${twin.url}/instance/delete/rowed`, { headers })).status).toBe(200);
        await waitFor(async () => (await rows()).length === 0, { timeoutMs: 5000, intervalMs: 10, description: 'the row removed' });
      } finally {
        await client.end();
      }
    } finally {
      await twin.close();
    }
  });
});
