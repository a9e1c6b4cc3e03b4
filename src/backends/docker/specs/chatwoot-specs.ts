/**
 * One Chatwoot as upstream's docker-compose.production.yaml runs it (chatwoot-3.7-3.9.md §5):
 * postgres:12 and redis → `rails db:chatwoot_prepare` (one-shot, with the rails entrypoint, as the docs'
 * `docker compose run --rm rails …`) → rails (`docker/entrypoints/rails.sh` + `bundle exec rails s -p 3000 -b 0.0.0.0`)
 * and sidekiq (`bundle exec sidekiq -C config/sidekiq.yml`, no entrypoint), all from the same image and env.
 *
 * With twin images only the rails container is started. The Chatwoot twin is the whole application in
 * one process: it keeps its data in memory (no Postgres), has no Redis, and runs the jobs sidekiq runs
 * upstream (webhook delivery, attachment analysis) in-process. Starting Postgres/Redis stand-ins that
 * nothing talks to would only make the container count look like the upstream one while proving
 * nothing; the report says which containers a twin stack replaced (`replacedByTwin`). The rails spec is
 * unchanged: the twin image honours the same entrypoint, command, env, port and GET /api health route.
 */
import type { ChatwootVersion } from '../../../model/axes.ts';
import { chatwootProfile, privateNetworkOptOut } from '../../../model/chatwoot-profiles.ts';
import type { PlannedService } from '../../../matrix/plan-types.ts';
import { assertPgvectorImage, chatwootSlot, postgresSlotFor } from '../images.ts';
import { containerLabels } from '../labels.ts';
import type { ContainerRole, ContainerSpec, WaitSpec } from './container-spec.ts';
import { POSTGRES_DATABASE, POSTGRES_PORT, POSTGRES_USER, postgresSpec } from './postgres-spec.ts';
import { REDIS_PORT, redisSpec } from './redis-spec.ts';
import type { SpecContext } from './spec-context.ts';

export const CHATWOOT_PORT = 3000;
export const RAILS_ENTRYPOINT = ['docker/entrypoints/rails.sh'];
export const RAILS_COMMAND = ['bundle', 'exec', 'rails', 's', '-p', String(CHATWOOT_PORT), '-b', '0.0.0.0'];
export const PREPARE_COMMAND = ['bundle', 'exec', 'rails', 'db:chatwoot_prepare'];
export const SIDEKIQ_COMMAND = ['bundle', 'exec', 'sidekiq', '-C', 'config/sidekiq.yml'];
/**
 * The token the harness's PlatformApp gets, in the env of every Chatwoot container (never on a command line, where `ps`
 * would show it): the platform-app step reads it; the twin, which has no console, takes it as its PlatformApp's.
 */
export const PLATFORM_TOKEN_ENV = 'EVOCHAT_PLATFORM_TOKEN';
/**
 * Our one-liner for chatwoot-3.7-3.9.md §6 A's `PlatformApp.create!(…).access_token`: one PlatformApp per Chatwoot whose
 * token the harness chose, so the cells' accounts come from the Platform API on every version (no signup; §M 1, 2).
 */
export const PLATFORM_APP_RUBY = `app = PlatformApp.create!(name: "evochat-matrix"); app.access_token.update!(token: ENV.fetch("${PLATFORM_TOKEN_ENV}")); puts "evochat-matrix PlatformApp #{app.id} ready"`;
export const PLATFORM_APP_COMMAND = ['bundle', 'exec', 'rails', 'runner', PLATFORM_APP_RUBY];
/** No source gives a boot time; pg wait + bundle check + production eager load: budget 180 s (§5 "Boot time"). */
export const CHATWOOT_BOOT_TIMEOUT_MS = 180_000;

export type ChatwootStorageWiring =
  { kind: 'local' } | { kind: 's3_compatible'; endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string };

export interface ChatwootWiring {
  /** DNS label of the service; container aliases derive from it. */
  alias: string;
  /** FRONTEND_URL: host of every generated URL, data_url included; must be reachable from the host and from Evolution. */
  frontendUrl: string;
  storage: ChatwootStorageWiring;
  /** Names of specs of other services that must be ready first (e.g. the object store). */
  dependsOn: string[];
  /** False turns rack-attack off (ENABLE_RACK_ATTACK=false); the harness keeps it on, as upstream has it. */
  rackAttack: boolean;
  /** False leaves out SAFE_FETCH_ALLOW_PRIVATE_NETWORK on 4.14.1+ (the private-network-refusal variant); true when absent. */
  privateNetworkOptOut?: boolean;
}

export interface ChatwootContainers {
  specs: ContainerSpec[];
  /** The container that serves HTTP (rails). */
  rails: ContainerSpec;
  /** Upstream containers a twin stack does not start, and why. */
  replacedByTwin: { role: ContainerRole; reason: string }[];
}

/** The env shared by prepare, rails and sidekiq. */
export function chatwootEnv(version: ChatwootVersion, wiring: ChatwootWiring, context: SpecContext): Record<string, string> {
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    RAILS_ENV: 'production',
    INSTALLATION_ENV: 'docker',
    SECRET_KEY_BASE: context.secrets.secretKeyBase,
    FRONTEND_URL: wiring.frontendUrl,
    DEFAULT_LOCALE: context.settings.chatwoot.defaultLocale,
    RAILS_LOG_TO_STDOUT: 'true',
    LOG_LEVEL: 'info',
    POSTGRES_HOST: `${wiring.alias}-postgres`,
    POSTGRES_PORT: String(POSTGRES_PORT),
    POSTGRES_USERNAME: POSTGRES_USER,
    POSTGRES_PASSWORD: context.secrets.postgresPassword,
    // Set explicitly: the production default is chatwoot_production, the compose file creates "chatwoot" (docs PR #551, §5).
    POSTGRES_DATABASE,
    REDIS_URL: `redis://${wiring.alias}-redis:${REDIS_PORT}`,
    REDIS_PASSWORD: context.secrets.redisPassword,
    // The token of the PlatformApp the platform-app step creates (real image) and the twin honours itself.
    [PLATFORM_TOKEN_ENV]: context.secrets.platformToken,
    // The harness's own network is private: 4.14.1+ refuse every webhook to it without this (chatwoot-3.10-4.x.md §4.2, grid).
    ...(wiring.privateNetworkOptOut === false ? {} : privateNetworkOptOut(chatwootProfile(version))),
  };
  if (!wiring.rackAttack) env.ENABLE_RACK_ATTACK = 'false';
  if (wiring.storage.kind === 'local') {
    env.ACTIVE_STORAGE_SERVICE = 'local';
  } else {
    env.ACTIVE_STORAGE_SERVICE = 's3_compatible';
    env.STORAGE_BUCKET_NAME = wiring.storage.bucket;
    env.STORAGE_ACCESS_KEY_ID = wiring.storage.accessKeyId;
    env.STORAGE_SECRET_ACCESS_KEY = wiring.storage.secretAccessKey;
    env.STORAGE_REGION = wiring.storage.region;
    env.STORAGE_ENDPOINT = wiring.storage.endpoint;
    // MinIO serves path-style URLs (§5: default false, set true for MinIO).
    env.STORAGE_FORCE_PATH_STYLE = 'true';
  }
  return env;
}

/**
 * When rails is ready. GET /api answers 200 even when Redis or Postgres fail, so its fields are checked (chatwoot-3.7-3.9.md
 * §5 "Health check"); but from 4.3.0 `data_services` may say "failing" on a healthy fresh server until its pool has run
 * queries (chatwoot-3.10-4.x.md §M 3): there GET /health (4.11.0+) or GET /api with `queue_services` alone.
 */
export function chatwootReadiness(version: ChatwootVersion): WaitSpec {
  const profile = chatwootProfile(version);
  const timeoutMs = CHATWOOT_BOOT_TIMEOUT_MS;
  if (profile.healthRoute) return { kind: 'http', path: '/health', port: CHATWOOT_PORT, status: 200, jsonFields: { status: 'woot' }, timeoutMs };
  const jsonFields: Record<string, string> = profile.dataServicesLazy ? { queue_services: 'ok' } : { data_services: 'ok', queue_services: 'ok' };
  return { kind: 'http', path: '/api', port: CHATWOOT_PORT, status: 200, jsonFields, timeoutMs };
}

export function chatwootSpecs(service: PlannedService, wiring: ChatwootWiring, context: SpecContext): ChatwootContainers {
  const version = service.version as ChatwootVersion;
  const image = context.images.resolve(chatwootSlot(version));
  const env = chatwootEnv(version, wiring, context);
  const labels = (role: ContainerRole) => containerLabels(context.runLabels, { serviceId: service.id, role, cells: service.cells });
  const base = { serviceId: service.id, slot: chatwootSlot(version), image: image.requested } as const;
  const twin = context.images.kind === 'twin';

  const rails: ContainerSpec = {
    ...base,
    name: `${wiring.alias}-rails`,
    role: 'chatwoot-rails',
    entrypoint: RAILS_ENTRYPOINT,
    command: RAILS_COMMAND,
    env,
    networkAliases: [`${wiring.alias}-rails`],
    exposedPorts: [CHATWOOT_PORT],
    wait: chatwootReadiness(version),
    dependsOn: [...wiring.dependsOn],
    labels: labels('chatwoot-rails'),
    oneShot: false,
  };
  if (twin) {
    return {
      specs: [rails],
      rails,
      replacedByTwin: [
        { role: 'postgres', reason: 'the Chatwoot twin keeps its data in memory' },
        { role: 'redis', reason: 'the Chatwoot twin needs no Redis (no Action Cable, no job queue)' },
        { role: 'chatwoot-prepare', reason: 'nothing to migrate or seed: the twin starts empty, as after db:chatwoot_prepare' },
        { role: 'chatwoot-platform-app', reason: `the twin presets its PlatformApp from ${PLATFORM_TOKEN_ENV} (no console to run rails runner in)` },
        { role: 'chatwoot-sidekiq', reason: 'the Chatwoot twin runs webhook delivery and attachment jobs in-process' },
      ],
    };
  }

  const postgresSlot = postgresSlotFor(version);
  assertPgvectorImage(version, context.images.resolve(postgresSlot));
  const postgres = postgresSpec(service.id, wiring.alias, service.cells, context, postgresSlot);
  const redis = redisSpec(service.id, wiring.alias, service.cells, context);
  const prepare: ContainerSpec = {
    ...base,
    name: `${wiring.alias}-prepare`,
    role: 'chatwoot-prepare',
    entrypoint: RAILS_ENTRYPOINT,
    command: PREPARE_COMMAND,
    env,
    networkAliases: [`${wiring.alias}-prepare`],
    exposedPorts: [],
    wait: { kind: 'one-shot', timeoutMs: 300_000 },
    dependsOn: [postgres.name, redis.name],
    labels: labels('chatwoot-prepare'),
    oneShot: true,
  };
  const platformApp: ContainerSpec = {
    ...base,
    name: `${wiring.alias}-platform-app`,
    role: 'chatwoot-platform-app',
    entrypoint: RAILS_ENTRYPOINT,
    command: PLATFORM_APP_COMMAND,
    env,
    networkAliases: [`${wiring.alias}-platform-app`],
    exposedPorts: [],
    wait: { kind: 'one-shot', timeoutMs: CHATWOOT_BOOT_TIMEOUT_MS },
    dependsOn: [prepare.name],
    labels: labels('chatwoot-platform-app'),
    oneShot: true,
  };
  const sidekiq: ContainerSpec = {
    ...base,
    name: `${wiring.alias}-sidekiq`,
    role: 'chatwoot-sidekiq',
    command: SIDEKIQ_COMMAND,
    env,
    networkAliases: [`${wiring.alias}-sidekiq`],
    exposedPorts: [],
    // Inference: Sidekiq's CLI logs "Starting processing, hit Ctrl-C to stop" once it polls its queues.
    wait: { kind: 'log', pattern: /Starting processing/, times: 1, timeoutMs: CHATWOOT_BOOT_TIMEOUT_MS },
    dependsOn: [prepare.name],
    labels: labels('chatwoot-sidekiq'),
    oneShot: false,
  };
  rails.dependsOn.push(prepare.name);
  return { specs: [postgres, redis, prepare, platformApp, rails, sidekiq], rails, replacedByTwin: [] };
}
