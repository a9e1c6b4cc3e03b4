import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../common/embedded-postgres.ts';
import type { EvolutionVersion } from '../../model/axes.ts';
import { evolutionProfile } from '../../model/evolution-profiles.ts';
import type { PlannedCell, PlannedService } from '../../matrix/plan-types.ts';
import type { EvolutionFaultEndpoint, EvolutionFaults } from '../../stack/stack.ts';
import { ErrorCodes, InfrastructureError } from '../../errors/index.ts';
import { mediaBucketFor } from '../shared/media-bucket.ts';
import { reserveClosedPort } from '../../common/closed-port.ts';
import { DEFAULT_SETTINGS, slug, type SimEnvironment } from './sim-environment.ts';

/** One embedded PostgreSQL per sim run, started by the first 2.x Evolution; a database per Evolution service. */
const servers = new WeakMap<SimEnvironment, Promise<EmbeddedPostgresServer>>();

function postgresFor(env: SimEnvironment): Promise<EmbeddedPostgresServer> {
  let server = servers.get(env);
  if (!server) {
    const cells = env.plan.services.filter((service) => service.kind === 'evolution' && evolutionProfile(service.version as EvolutionVersion).databaseRequired);
    const log = env.captureFor('evolution-postgres', [...new Set(cells.flatMap((service) => service.cells))]);
    server = startEmbeddedPostgres({ log });
    servers.set(env, server);
    const started = server;
    env.resources.add('evolution-postgres', async () => (await started.catch(() => undefined))?.stop());
  }
  return server;
}

/**
 * The variables a 2.x Evolution twin needs on top of the common ones, set the way the grid's precondition wants them
 * (evolution-api-2.x.md, grid): Chatwoot on, no Redis cache, no import database, and a reachable PostgreSQL, since
 * 2.x does not start without one (§0.2). Empty for 1.7.
 */
export async function evolutionGenerationEnv(env: SimEnvironment, service: PlannedService): Promise<Record<string, string>> {
  const profile = evolutionProfile(service.version as EvolutionVersion);
  if (profile.generation !== '2') return {};
  const database =
    service.variant === 'database-unreachable'
      ? `postgresql://evolution:evolution@127.0.0.1:${await reserveClosedPort()}/evolution?schema=evolution_api`
      : await (async () => {
          const server = await postgresFor(env);
          env.redactor.add(server.password);
          return server.database(slug(service.id).replace(/-/g, '_').slice(0, 63), 'evolution_api');
        })();
  const base: Record<string, string> = {
    CHATWOOT_ENABLED: 'true',
    CACHE_REDIS_ENABLED: 'false',
    CACHE_LOCAL_ENABLED: 'false',
    CHATWOOT_IMPORT_DATABASE_CONNECTION_URI: '',
    DATABASE_PROVIDER: 'postgresql',
    DATABASE_CONNECTION_URI: database,
    DATABASE_CONNECTION_CLIENT_NAME: 'evolution_exchange',
  };
  switch (service.variant) {
    case 'chatwoot-disabled': {
      // Left unset: the image's .env says false (§0.3). What users forget.
      const { CHATWOOT_ENABLED: _off, ...rest } = base;
      return rest;
    }
    case 'redis-unreachable':
      // The image default (Redis on, at localhost) where no Redis runs: nothing listens at this port (§1.3).
      return { ...base, CACHE_REDIS_ENABLED: 'true', CACHE_REDIS_URI: `redis://127.0.0.1:${await reserveClosedPort()}/6` };
    case 'baked-import-uri': {
      // Left unset: the image's placeholder `…@host:5432/chatwoot` counts as available (§5.2).
      const { CHATWOOT_IMPORT_DATABASE_CONNECTION_URI: _unset, ...rest } = base;
      return rest;
    }
    case 'slow-media-store': {
      if (!env.s3 || !env.latency) throw new InfrastructureError(ErrorCodes.serviceStart, `${service.id} needs the s3 service and the latency proxy`);
      const endpoint = new URL(env.latency.url);
      return {
        ...base,
        S3_ENABLED: 'true',
        S3_ACCESS_KEY: env.s3.accessKeyId,
        S3_SECRET_KEY: env.s3.secretAccessKey,
        S3_BUCKET: mediaBucketFor(service.id),
        S3_ENDPOINT: endpoint.hostname,
        S3_PORT: endpoint.port,
        S3_USE_SSL: 'false',
        S3_REGION: 'us-east-1',
        DATABASE_SAVE_DATA_NEW_MESSAGE: 'true',
      };
    }
    case 'standard':
    case 'trailing-slash-server-url':
    case 'unreachable-server-url':
    case 'slow-storage':
    case 'private-network-refusal':
    case 'database-unreachable':
      return base;
  }
}

/** What each database-unreachable Evolution's start did, by service id (the stack hands it to the scenario). */
const startOutcomes = new WeakMap<SimEnvironment, Map<string, { started: boolean; error: string | undefined; log: string[] }>>();

export function databaseUnreachableOutcome(env: SimEnvironment, serviceId: string): { started: boolean; error: string | undefined; log: string[] } | undefined {
  return startOutcomes.get(env)?.get(serviceId);
}

/**
 * Starts an Evolution whose database is unreachable and records what happened instead of failing the run: upstream
 * prints the entrypoint's lines and exits 1 ("Migration failed", §0.2, §1.4); a twin that did start is closed again.
 */
export async function probeDatabaseUnreachable(env: SimEnvironment, service: PlannedService, twinEnv: Record<string, string | undefined>): Promise<void> {
  const log = env.captureFor(service.id, service.cells);
  let outcome: { started: boolean; error: string | undefined; log: string[] };
  try {
    const twin = await env.startTwin('evolution', twinEnv, log);
    await twin.close();
    outcome = { started: true, error: undefined, log: log.lines() };
  } catch (error) {
    outcome = { started: false, error: env.redactor.text((error as Error)?.message ?? String(error)), log: log.lines().map((line) => env.redactor.text(line)) };
  }
  let outcomes = startOutcomes.get(env);
  if (!outcomes) {
    outcomes = new Map();
    startOutcomes.set(env, outcomes);
  }
  outcomes.set(service.id, outcome);
  env.servicesStarted += 1;
}

/** The stack's view of a cell's evolution-faults services (undefined when the plan has none for it). */
export function evolutionFaultsFor(env: SimEnvironment, cell: PlannedCell): EvolutionFaults | undefined {
  const variant = (name: PlannedService['variant']) =>
    [...env.evolutions.values()].find(
      (runtime) => runtime.service.cells.includes(cell.id) && runtime.service.variant === name && runtime.version === cell.evolution,
    );
  const endpoint = (name: PlannedService['variant']): EvolutionFaultEndpoint | undefined => {
    const runtime = variant(name);
    if (!runtime?.twin) return undefined;
    return {
      evolution: { url: runtime.front.url, apiKey: runtime.apiKey, serverUrl: runtime.serverUrl, version: runtime.version },
      whatsappControlUrl: `${runtime.twin.url}/__twin/whatsapp`,
    };
  };
  const probe = env.plan.services.find((service) => service.variant === 'database-unreachable' && service.cells.includes(cell.id));
  const slowRuntime = variant('slow-media-store');
  const slow = endpoint('slow-media-store');
  const settings = env.plan.settings ?? DEFAULT_SETTINGS;
  const faults: EvolutionFaults = {
    chatwootDisabled: endpoint('chatwoot-disabled'),
    redisUnreachable: endpoint('redis-unreachable'),
    bakedImportUri: endpoint('baked-import-uri'),
    slowMediaStore:
      slow && slowRuntime && env.latency && env.s3
        ? {
            ...slow,
            latencyControlUrl: env.latency.controlUrl,
            latencyMs: settings.storage.latencyMs,
            bucket: mediaBucketFor(slowRuntime.service.id),
            s3: {
              endpoint: env.s3.twin.url,
              endpointFromChatwoot: env.latency.url,
              bucket: mediaBucketFor(slowRuntime.service.id),
              region: 'us-east-1',
              accessKeyId: env.s3.accessKeyId,
              secretAccessKey: env.s3.secretAccessKey,
              forcePathStyle: true,
            },
          }
        : undefined,
    databaseUnreachable: probe ? databaseUnreachableOutcome(env, probe.id) : undefined,
  };
  return Object.values(faults).some((value) => value !== undefined) ? faults : undefined;
}
