import { containerLabels } from '../labels.ts';
import type { ContainerSpec } from './container-spec.ts';
import type { SpecContext } from './spec-context.ts';

export const POSTGRES_PORT = 5432;
/** docker-compose.production.yaml: POSTGRES_DB=chatwoot, POSTGRES_USER=postgres (chatwoot-3.7-3.9.md §5). */
export const POSTGRES_DATABASE = 'chatwoot';
export const POSTGRES_USER = 'postgres';

/**
 * Postgres for one Chatwoot, the image upstream's compose pins for its version: postgres:12 (3.x), pgvector/pgvector:pg16
 * from 4.0.0 (the `postgres-pgvector` slot; chatwoot-3.10-4.x.md §5).
 */
export function postgresSpec(
  serviceId: string,
  alias: string,
  cells: readonly string[],
  context: SpecContext,
  slot: 'postgres' | 'postgres-pgvector' = 'postgres',
): ContainerSpec {
  const image = context.images.resolve(slot);
  return {
    name: `${alias}-postgres`,
    serviceId,
    role: 'postgres',
    slot,
    image: image.requested,
    env: { POSTGRES_DB: POSTGRES_DATABASE, POSTGRES_USER: POSTGRES_USER, POSTGRES_PASSWORD: context.secrets.postgresPassword },
    networkAliases: [`${alias}-postgres`],
    exposedPorts: [],
    // The official image starts a temporary server for initdb, stops it, then starts the real one: the line
    // appears twice on a fresh volume (the wait testcontainers' PostgreSQL module uses).
    wait: { kind: 'log', pattern: /database system is ready to accept connections/, times: 2, timeoutMs: 120_000 },
    dependsOn: [],
    labels: containerLabels(context.runLabels, { serviceId, role: 'postgres', cells }),
    oneShot: false,
  };
}
