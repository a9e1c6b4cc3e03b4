import pg from 'pg';
import type { EvolutionLogger } from './evolution-logger.ts';

/**
 * The connection 2.x's import helper keeps to Chatwoot's own PostgreSQL (CHATWOOT_IMPORT_DATABASE_CONNECTION_URI,
 * evolution-api-2.x.md §1.2, §5.2): one pool, made on first use, no connect timeout (pg's default, as upstream).
 * With the image's placeholder `…@host:5432/chatwoot` the host does not resolve and every query fails.
 * Upstream also passes `ssl: {rejectUnauthorized: false}`; the twin leaves SSL to the URI (Deviation).
 */
export function createChatwootImportDatabase(
  uri: string,
  logger: EvolutionLogger,
): { existingSourceIds(sourceIds: string[]): Promise<Set<string>>; close(): Promise<void> } {
  let pool: pg.Pool | undefined;
  const connection = (): pg.Pool => {
    if (!pool) {
      pool = new pg.Pool({ connectionString: uri });
      pool.on('error', () => logger.error('postgres disconnected'));
    }
    return pool;
  };
  return {
    async existingSourceIds(sourceIds) {
      const formatted = sourceIds.map((id) => `WAID:${id.replace('WAID:', '')}`);
      const result = await connection().query<{ source_id: string }>('SELECT source_id FROM messages WHERE source_id = ANY($1)', [formatted]);
      return new Set(result.rows.map((row) => row.source_id));
    },
    async close() {
      await pool?.end().catch(() => undefined);
    },
  };
}
