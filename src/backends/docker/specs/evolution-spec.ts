/**
 * One Evolution API in its no-database Docker mode (evolution-api-1.7.md §1.5, §7): the image's command
 * `node ./dist/src/main.js`, SERVER_URL reachable from Chatwoot on the run network (it becomes the inbox
 * webhook_url verbatim), AUTHENTICATION_API_KEY, LOG_COLOR=false for plain logs, LANGUAGE. The variables the
 * image bakes in for a database-less run are set explicitly too, so an override image with other defaults
 * still runs the same way. Ready when `GET /` answers 200 (§2.1).
 */
import type { EvolutionVersion } from '../../../model/axes.ts';
import { evolutionProfile } from '../../../model/evolution-profiles.ts';
import { POSTGRES_DATABASE, POSTGRES_PORT, POSTGRES_USER, postgresSpec } from './postgres-spec.ts';
import type { PlannedService } from '../../../matrix/plan-types.ts';
import { evolutionSlot } from '../images.ts';
import { mediaBucketFor } from '../../shared/media-bucket.ts';
import { containerLabels } from '../labels.ts';
import type { ContainerSpec } from './container-spec.ts';
import type { SpecContext } from './spec-context.ts';

export const EVOLUTION_PORT = 8080;
export const EVOLUTION_COMMAND = ['node', './dist/src/main.js'];

export interface EvolutionWiring {
  alias: string;
  /** SERVER_URL exactly as configured (a fault variant may end with '/' or point where Chatwoot cannot connect). */
  serverUrl: string;
  /** slow-media-store: the object store Evolution keeps its media in, as reached on the run network (the latency proxy). */
  mediaStore?: { host: string; port: number };
}

/**
 * Evolution 2.x (evolution-api-2.x.md §1, §1.4): the image's entrypoint migrates the database, then starts; every
 * variable the grid's precondition names is set explicitly, so the baked `.env` decides nothing: CHATWOOT_ENABLED=true,
 * no Redis cache, CHATWOOT_IMPORT_DATABASE_CONNECTION_URI empty, DATABASE_PROVIDER in the container environment
 * (the entrypoint skips `.env` under DOCKER_ENV=true) and a Postgres of its own.
 */
export function evolution2Env(wiring: EvolutionWiring, context: SpecContext): Record<string, string> {
  return {
    SERVER_TYPE: 'http',
    SERVER_PORT: String(EVOLUTION_PORT),
    SERVER_URL: wiring.serverUrl,
    LOG_LEVEL: 'ERROR,WARN,DEBUG,INFO,LOG,VERBOSE,DARK,WEBHOOKS,WEBSOCKET',
    LOG_COLOR: 'false',
    LOG_BAILEYS: 'error',
    DEL_INSTANCE: 'false',
    DATABASE_PROVIDER: 'postgresql',
    DATABASE_CONNECTION_URI: evolutionDatabaseUri(wiring, context),
    DATABASE_CONNECTION_CLIENT_NAME: 'evolution_exchange',
    DATABASE_SAVE_DATA_INSTANCE: 'true',
    DATABASE_SAVE_DATA_NEW_MESSAGE: 'true',
    CHATWOOT_ENABLED: 'true',
    CHATWOOT_MESSAGE_READ: 'true',
    CHATWOOT_MESSAGE_DELETE: 'true',
    CHATWOOT_BOT_CONTACT: 'true',
    CHATWOOT_IMPORT_DATABASE_CONNECTION_URI: '',
    CACHE_REDIS_ENABLED: 'false',
    CACHE_LOCAL_ENABLED: 'false',
    S3_ENABLED: 'false',
    AUTHENTICATION_API_KEY: context.secrets.evolutionApiKey,
    AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES: 'true',
    LANGUAGE: context.settings.evolution.language,
    TWIN_QR_REFRESH_MS: String(context.settings.evolution.qrRefreshMs),
  };
}

/**
 * Evolution 2.x's configuration faults (suite evolution-faults; evolution-api-2.x.md §0.3, §1.3, §2, §5.2, §6), each
 * set on top of the working environment the way users get it wrong. Same faults as the sim backend's
 * (backends/sim/evolution-generation-env.ts).
 */
export function evolution2FaultEnv(service: PlannedService, wiring: EvolutionWiring, context: SpecContext): Record<string, string> {
  const env = evolution2Env(wiring, context);
  switch (service.variant) {
    case 'chatwoot-disabled': {
      // Left unset: the image's .env says false (§0.3). What users forget.
      const { CHATWOOT_ENABLED: _off, ...rest } = env;
      return rest;
    }
    case 'redis-unreachable':
      // The image default: Redis on, at localhost, where nothing listens inside Evolution's container (§1.3).
      return { ...env, CACHE_REDIS_ENABLED: 'true', CACHE_REDIS_URI: 'redis://localhost:6379/6' };
    case 'baked-import-uri': {
      // Left unset: the image's placeholder `…@host:5432/chatwoot` counts as available (§5.2).
      const { CHATWOOT_IMPORT_DATABASE_CONNECTION_URI: _unset, ...rest } = env;
      return rest;
    }
    case 'database-unreachable':
      // A database host nothing answers for: no Postgres is started for this one (§0.2, "Migration failed").
      return { ...env, DATABASE_CONNECTION_URI: evolutionDatabaseUri({ ...wiring, alias: `${wiring.alias}-nodb` }, context) };
    case 'slow-media-store': {
      if (!wiring.mediaStore) throw new Error(`${service.id}: slow-media-store needs the storage latency proxy`);
      return {
        ...env,
        S3_ENABLED: 'true',
        S3_ACCESS_KEY: context.secrets.s3AccessKeyId,
        S3_SECRET_KEY: context.secrets.s3SecretAccessKey,
        S3_BUCKET: mediaBucketFor(service.id),
        S3_ENDPOINT: wiring.mediaStore.host,
        S3_PORT: String(wiring.mediaStore.port),
        S3_USE_SSL: 'false',
        S3_REGION: 'us-east-1',
      };
    }
    case 'standard':
    case 'trailing-slash-server-url':
    case 'unreachable-server-url':
    case 'slow-storage':
    case 'private-network-refusal':
      return env;
  }
}

/** Evolution's own Postgres on the run network; Prisma creates the schema in the image's database. */
export function evolutionDatabaseUri(wiring: EvolutionWiring, context: SpecContext): string {
  return `postgresql://${POSTGRES_USER}:${context.secrets.postgresPassword}@${wiring.alias}-postgres:${POSTGRES_PORT}/${POSTGRES_DATABASE}?schema=evolution_api`;
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

/**
 * The containers of one Evolution: 1.7 alone; 2.x after a Postgres of its own, started by the image's entrypoint (no
 * command override), ready on its `HTTP - ON` log line: 2.3.x's `GET /` asks WhatsApp for its web version on every
 * call and can hang where outbound traffic is dropped (§M.2).
 */
export function evolutionSpecs(service: PlannedService, wiring: EvolutionWiring, context: SpecContext): ContainerSpec[] {
  const version = service.version as EvolutionVersion;
  const profile = evolutionProfile(version);
  if (!profile.databaseRequired) return [evolutionSpec(service, wiring, context)];
  const app = evolutionSpec(service, wiring, context);
  const { command: _command, ...entrypointRun } = app;
  const evolution: ContainerSpec = {
    ...entrypointRun,
    env: evolution2FaultEnv(service, wiring, context),
    wait: profile.welcomeWhatsappWebVersion
      ? { kind: 'log', pattern: /HTTP - ON: 8080/, times: 1, timeoutMs: 180_000 }
      : { kind: 'http', path: '/', port: EVOLUTION_PORT, status: 200, timeoutMs: 180_000 },
  };
  // Started to see what its start does; the scenario reads the outcome (evolution-faults/database-unreachable).
  if (service.variant === 'database-unreachable') return [{ ...evolution, startProbe: true }];
  // A real Postgres on both image kinds: upstream's image, or in twin runs the PostgreSQL 15 built here (images.ts).
  const postgres = postgresSpec(service.id, wiring.alias, service.cells, context);
  return [postgres, { ...evolution, dependsOn: [postgres.name] }];
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
