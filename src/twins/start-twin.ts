import type { StartedTwin, TwinRole, TwinStartOptions } from '../model/twin-types.ts';
import { UsageError } from '../errors/index.ts';

export const TWIN_ROLES: readonly TwinRole[] = ['chatwoot', 'evolution', 's3', 'proxy'];

/** Starts one twin by role. Modules are loaded lazily so a role's dependencies load only when used. */
export async function startTwin(role: string, options: TwinStartOptions): Promise<StartedTwin> {
  switch (role) {
    case 'chatwoot':
      return (await import('./chatwoot/start-chatwoot-twin.ts')).startChatwootTwin(options);
    case 'evolution':
      return (await import('./evolution/start-evolution-twin.ts')).startEvolutionTwin(options);
    case 's3':
      return (await import('./s3/start-s3-twin.ts')).startS3Twin(options);
    case 'proxy':
      return (await import('../evidence/start-proxy-twin.ts')).startProxyTwin(options);
    default:
      throw new UsageError(`unknown twin "${role}"`, { details: { allowed: TWIN_ROLES } });
  }
}
