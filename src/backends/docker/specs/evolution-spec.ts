/**
 * One Evolution API in its no-database Docker mode (evolution-api-1.7.md §1.5, §7): the image's command
 * `node ./dist/src/main.js`, SERVER_URL reachable from Chatwoot on the run network (it becomes the inbox
 * webhook_url verbatim), AUTHENTICATION_API_KEY, LOG_COLOR=false for plain logs, LANGUAGE. The variables the
 * image bakes in for a database-less run are set explicitly too, so an override image with other defaults
 * still runs the same way. Ready when `GET /` answers 200 (§2.1).
 */
import type { EvolutionVersion } from '../../../model/axes.ts';
import type { PlannedService } from '../../../matrix/plan-types.ts';
import { evolutionSlot } from '../images.ts';
import { containerLabels } from '../labels.ts';
import type { ContainerSpec } from './container-spec.ts';
import type { SpecContext } from './spec-context.ts';

export const EVOLUTION_PORT = 8080;
export const EVOLUTION_COMMAND = ['node', './dist/src/main.js'];

export interface EvolutionWiring {
  alias: string;
  /** SERVER_URL exactly as configured (a fault variant may end with '/' or point where Chatwoot cannot connect). */
  serverUrl: string;
}

export function evolutionEnv(wiring: EvolutionWiring, context: SpecContext): Record<string, string> {
  return {
    SERVER_TYPE: 'http',
    SERVER_PORT: String(EVOLUTION_PORT),
    SERVER_URL: wiring.serverUrl,
    CORS_ORIGIN: '*',
    CORS_METHODS: 'POST,GET,PUT,DELETE',
    CORS_CREDENTIALS: 'true',
    LOG_LEVEL: 'ERROR,WARN,DEBUG,INFO,LOG,VERBOSE,DARK,WEBHOOKS',
    LOG_COLOR: 'false',
    LOG_BAILEYS: 'error',
    DEL_INSTANCE: 'false',
    DATABASE_ENABLED: 'false',
    CACHE_REDIS_ENABLED: 'false',
    CACHE_LOCAL_ENABLED: 'false',
    AUTHENTICATION_TYPE: 'apikey',
    AUTHENTICATION_API_KEY: context.secrets.evolutionApiKey,
    AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES: 'true',
    LANGUAGE: context.settings.evolution.language,
    // Twin only (ignored by the real image): how often the simulated WhatsApp issues a new QR code.
    TWIN_QR_REFRESH_MS: String(context.settings.evolution.qrRefreshMs),
  };
}

export function evolutionSpec(service: PlannedService, wiring: EvolutionWiring, context: SpecContext): ContainerSpec {
  const version = service.version as EvolutionVersion;
  const image = context.images.resolve(evolutionSlot(version));
  return {
    name: `${wiring.alias}-app`,
    serviceId: service.id,
    role: 'evolution',
    slot: evolutionSlot(version),
    image: image.requested,
    command: EVOLUTION_COMMAND,
    env: evolutionEnv(wiring, context),
    networkAliases: [`${wiring.alias}-app`],
    exposedPorts: [EVOLUTION_PORT],
    wait: { kind: 'http', path: '/', port: EVOLUTION_PORT, status: 200, timeoutMs: 60_000 },
    dependsOn: [],
    labels: containerLabels(context.runLabels, { serviceId: service.id, role: 'evolution', cells: service.cells }),
    oneShot: false,
  };
}
