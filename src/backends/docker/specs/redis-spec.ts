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
    // Through sh so the password comes from the environment, not the process list, as in the compose file.
    command: ['sh', '-c', 'redis-server --requirepass "$REDIS_PASSWORD"'],
    env: { REDIS_PASSWORD: context.secrets.redisPassword },
    networkAliases: [`${alias}-redis`],
    exposedPorts: [],
    wait: { kind: 'log', pattern: /Ready to accept connections/, times: 1, timeoutMs: 60_000 },
    dependsOn: [],
    labels: containerLabels(context.runLabels, { serviceId, role: 'redis', cells }),
    oneShot: false,
  };
}
