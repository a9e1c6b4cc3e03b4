import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createMemorySink } from './log-sink.ts';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from './embedded-postgres.ts';

describe('startEmbeddedPostgres', () => {
  let server: EmbeddedPostgresServer;
  let startMs = 0;
  beforeAll(async () => {
    const started = Date.now();
    server = await startEmbeddedPostgres();
    startMs = Date.now() - started;
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('serves a real PostgreSQL 15 on loopback with per-name databases', async () => {
    expect(server.host).toBe('127.0.0.1');
    const uri = await server.database('evochat_probe', 'evolution_api');
    expect(uri).toMatch(/^postgresql:\/\/evochat:pg[0-9a-f]{24}@127\.0\.0\.1:\d+\/evochat_probe\?schema=evolution_api$/);
    // The same name twice is one database.
    expect(await server.database('evochat_probe', 'evolution_api')).toBe(uri);
    const client = new pg.Client({ connectionString: uri.replace(/\?.*$/, '') });
    await client.connect();
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    await client.end();
    expect(version.rows[0]?.server_version).toMatch(/^15\./);
    // Start cost, for the record (README/NEXT note it): well under the 60 s hook deadline.
    expect(startMs).toBeLessThan(60_000);
  });

  it('refuses a password it did not set', async () => {
    const client = new pg.Client({ host: server.host, port: server.port, user: server.user, password: 'wrong', database: 'postgres' });
    await expect(client.connect()).rejects.toMatchObject({ code: '28P01' });
    await client.end().catch(() => undefined);
  });

  it('stops a throwaway server with an immediate shutdown: no checkpoint for a cluster about to be deleted', async () => {
    const log = createMemorySink();
    const throwaway = await startEmbeddedPostgres({ log });
    const uri = await throwaway.database('evochat_gone');
    await throwaway.stop();
    expect(log.lines().some((line) => line.includes('received immediate shutdown request'))).toBe(true);
    expect(log.lines().some((line) => line.includes('fast shutdown'))).toBe(false);
    const client = new pg.Client({ connectionString: uri.replace(/\?.*$/, ''), connectionTimeoutMillis: 2_000 });
    await expect(client.connect()).rejects.toThrow();
    await client.end().catch(() => undefined);
  }, 60_000);
});
