import { containerLabels } from '../labels.ts';
import type { ContainerSpec } from './container-spec.ts';
import type { SpecContext } from './spec-context.ts';

export const REDIS_PORT = 6379;

/** Redis for one Chatwoot, started as upstream's compose does: `redis-server --requirepass "$REDIS_PASSWORD"` (chatwoot-3.7-3.9.md §5). */
export function redisSpec(serviceId: string, alias: string, cells: readonly string[], context: SpecContext): ContainerSpec {
  const image = context.images.resolve('redis');
  return {
    name: `${alias}-redis`,
    serviceId,
    role: 'redis',
    slot: 'redis',
    image: image.requested,
    // Compose runs `redis-server --requirepass "$REDIS_PASSWORD"` through a shell; the exec form passes the same
    // arguments without needing one (the password is in the container's config either way).
    command: ['redis-server', '--requirepass', context.secrets.redisPassword],
    env: {},
    networkAliases: [`${alias}-redis`],
    exposedPorts: [],
    wait: { kind: 'log', pattern: /Ready to accept connections/, times: 1, timeoutMs: 60_000 },
    dependsOn: [],
    labels: containerLabels(context.runLabels, { serviceId, role: 'redis', cells }),
    oneShot: false,
  };
}
