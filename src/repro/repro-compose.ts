/**
 * The bundle's docker-compose.yml: the reporter's setup on the real upstream images, so anyone with
 * a registry can rerun it. Images, env, commands and ports come from the docker backend's spec
 * functions (src/backends/docker/specs), so the file cannot drift from what the harness runs. Only
 * the wiring differs: plain compose service names instead of the harness's recording proxies.
 */
import { stringify } from 'yaml';
import { createImageResolver } from '../backends/docker/images.ts';
import { CHATWOOT_PORT, chatwootSpecs } from '../backends/docker/specs/chatwoot-specs.ts';
import type { ContainerSpec } from '../backends/docker/specs/container-spec.ts';
import { EVOLUTION_PORT, evolutionSpec } from '../backends/docker/specs/evolution-spec.ts';
import { MINIO_PORT, minioSpec } from '../backends/docker/specs/minio-spec.ts';
import { S3_REGION, UNREACHABLE_SERVER_URL } from '../backends/docker/specs/plan-specs.ts';
import type { RunSecrets, SpecContext } from '../backends/docker/specs/spec-context.ts';
import type { PlannedService } from '../matrix/plan-types.ts';
import type { BugReport } from './bug-report-schema.ts';
import type { ReproSetup } from './derive-repro-setup.ts';

/**
 * Not in images.ts: the docker backend never runs nginx. It is here only so a report's "proxy drops
 * underscore headers" runs for real (nginx's default is `underscores_in_headers off`).
 */
export const REPRO_NGINX_IMAGE = 'nginx:1.27-alpine';
/** Likewise: the docker backend adds storage latency with its own (locally built) proxy; a shared bundle needs a pullable one. */
export const REPRO_TOXIPROXY_IMAGE = 'ghcr.io/shopify/toxiproxy:2.12.0';
export const TOXIPROXY_API_PORT = 8474;
export const TOXIPROXY_LISTEN_PORT = 9001;

/**
 * Credentials of the throwaway local stack: fixed so the README's commands work as written. They
 * protect nothing (everything binds 127.0.0.1); do not reuse them anywhere.
 */
export const REPRO_SECRETS: RunSecrets = {
  postgresPassword: 'repro-postgres-password',
  redisPassword: 'repro-redis-password',
  secretKeyBase: 'repro0secret0key0base0only0for0a0local0throwaway0stack0not0a0secret0000000000000000000000000000000000000000',
  evolutionApiKey: 'repro-evolution-api-key',
  s3AccessKeyId: 'repro-minio-user',
  s3SecretAccessKey: 'repro-minio-password',
  platformToken: 'repro-platform-app-token',
};
/** The Chatwoot user token the README's bootstrap step pins (has_secure_token format: 24 base58 characters). */
export const REPRO_CHATWOOT_TOKEN = 'ReproTokenOnlyForLocal24';
export const REPRO_BUCKET = 'chatwoot';

/** Compose service names (= spec names) and the short DNS names the services are known by. */
export const REPRO_ALIASES = { chatwoot: 'chatwoot', evolution: 'evolution', storage: 'storage', proxy: 'chatwoot-proxy', latency: 'storage-latency' } as const;

export interface ReproComposeService {
  name: string;
  image: string;
  /** The spec this service was derived from (undefined for nginx/toxiproxy, which the backend does not run). */
  spec: ContainerSpec | undefined;
  /** Host port → container port, published on 127.0.0.1. */
  ports: Array<{ host: number; container: number }>;
}

export interface ReproCompose {
  /** docker-compose.yml text. */
  yaml: string;
  /** Other files the compose file mounts, by file name (nginx.conf). */
  files: Record<string, string>;
  services: ReproComposeService[];
  /** What the README tells people to use. */
  endpoints: {
    chatwootUrl: string;
    evolutionUrl: string;
    /** chatwoot_url Evolution is given (through the proxy when the report has one). */
    chatwootUrlFromEvolution: string;
    serverUrl: string;
    evolutionApiKey: string;
    chatwootToken: string;
  };
}

function specContext(setup: ReproSetup): SpecContext {
  return {
    runId: 'repro',
    createdAt: new Date(0),
    // Real upstream names, deliberately without local overrides: the bundle is for machines that can pull.
    images: createImageResolver('upstream', {}, {}),
    settings: setup.settings,
    secrets: REPRO_SECRETS,
    runLabels: {},
  };
}

function serverUrlFor(setup: ReproSetup): string {
  const base = `http://${REPRO_ALIASES.evolution}:${EVOLUTION_PORT}`;
  if (setup.faults.unreachableServerUrl) return UNREACHABLE_SERVER_URL;
  if (setup.faults.trailingSlashServerUrl) return `${base}/`;
  return base;
}

/** Env without the twin-only knobs (TWIN_*), which the upstream images ignore. */
export function upstreamEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('TWIN_')));
}

const NGINX_CONF = (upstream: string) => `# The reporter's proxy: nginx as shipped, i.e. underscores_in_headers off (the default),
# so the api_access_token header Evolution sends never reaches Chatwoot (chatwoot#1057).
# The fix is one line: underscores_in_headers on;
server {
  listen 80;
  location / {
    proxy_pass ${upstream};
    proxy_set_header Host $host;
  }
}
`;

export function buildReproCompose(report: BugReport, setup: ReproSetup): ReproCompose {
  const context = specContext(setup);
  const minio = setup.cell.storage === 'minio';
  const chatwootService: PlannedService = {
    id: REPRO_ALIASES.chatwoot,
    kind: 'chatwoot',
    version: setup.cell.chatwoot,
    storage: setup.cell.storage,
    variant: 'standard',
    cells: [setup.cell.id],
    dependsOn: [],
  };
  const evolutionService: PlannedService = {
    id: REPRO_ALIASES.evolution,
    kind: 'evolution',
    version: setup.cell.evolution,
    variant: setup.faults.unreachableServerUrl ? 'unreachable-server-url' : setup.faults.trailingSlashServerUrl ? 'trailing-slash-server-url' : 'standard',
    cells: [setup.cell.id],
    dependsOn: [],
  };

  const storageSpec = minio ? minioSpec('s3', REPRO_ALIASES.storage, [setup.cell.id], context) : undefined;
  const storageEndpoint = setup.faults.slowStorage
    ? `http://${REPRO_ALIASES.latency}:${TOXIPROXY_LISTEN_PORT}`
    : `http://${REPRO_ALIASES.storage}:${MINIO_PORT}`;
  const chatwoot = chatwootSpecs(
    chatwootService,
    {
      alias: REPRO_ALIASES.chatwoot,
      // Data URLs are opened by a browser on this machine; Evolution only needs them for agent attachments.
      frontendUrl: `http://localhost:${CHATWOOT_PORT}`,
      storage: minio
        ? {
            kind: 's3_compatible',
            endpoint: storageEndpoint,
            bucket: REPRO_BUCKET,
            region: S3_REGION,
            accessKeyId: REPRO_SECRETS.s3AccessKeyId,
            secretAccessKey: REPRO_SECRETS.s3SecretAccessKey,
          }
        : { kind: 'local' },
      dependsOn: storageSpec ? [storageSpec.name] : [],
      // As upstream runs it: the README's bootstrap goes through rails runner, not the throttled signup.
      rackAttack: true,
    },
    context,
  );
  const serverUrl = serverUrlFor(setup);
  const evolution = evolutionSpec(evolutionService, { alias: REPRO_ALIASES.evolution, serverUrl }, context);

  // The bundle's README bootstraps its own account (rails runner); the harness's PlatformApp step is not needed there.
  const chatwootServices = chatwoot.specs.filter((spec) => spec.role !== 'chatwoot-platform-app');
  const specs: ContainerSpec[] = [...(storageSpec ? [storageSpec] : []), ...chatwootServices, evolution];
  const shortAlias = new Map<string, string>([
    [chatwoot.rails.name, REPRO_ALIASES.chatwoot],
    [evolution.name, REPRO_ALIASES.evolution],
    ...(storageSpec ? ([[storageSpec.name, REPRO_ALIASES.storage]] as const) : []),
  ]);
  const published = new Map<number, number>([
    [CHATWOOT_PORT, CHATWOOT_PORT],
    [EVOLUTION_PORT, EVOLUTION_PORT],
    [MINIO_PORT, MINIO_PORT],
  ]);

  const services: Record<string, Record<string, unknown>> = {};
  const described: ReproComposeService[] = [];
  for (const spec of specs) {
    const aliases = [...spec.networkAliases, ...(shortAlias.has(spec.name) ? [shortAlias.get(spec.name)!] : [])];
    const ports = spec.exposedPorts.map((port) => ({ host: published.get(port) ?? port, container: port }));
    const dependsOn = Object.fromEntries(
      spec.dependsOn.map((name) => [
        name,
        { condition: specs.find((other) => other.name === name)?.oneShot ? 'service_completed_successfully' : 'service_started' },
      ]),
    );
    services[spec.name] = {
      image: spec.image,
      ...(spec.entrypoint ? { entrypoint: spec.entrypoint } : {}),
      ...(spec.command ? { command: spec.command } : {}),
      environment: upstreamEnv(spec.env),
      ...(ports.length > 0 ? { ports: ports.map((port) => `127.0.0.1:${port.host}:${port.container}`) } : {}),
      ...(Object.keys(dependsOn).length > 0 ? { depends_on: dependsOn } : {}),
      networks: { default: { aliases } },
    };
    described.push({ name: spec.name, image: spec.image, spec, ports });
  }

  const files: Record<string, string> = {};
  let chatwootUrlFromEvolution = `http://${REPRO_ALIASES.chatwoot}:${CHATWOOT_PORT}`;
  if (setup.faults.headerDropped) {
    files['nginx.conf'] = NGINX_CONF(chatwootUrlFromEvolution);
    services[REPRO_ALIASES.proxy] = {
      image: REPRO_NGINX_IMAGE,
      volumes: ['./nginx.conf:/etc/nginx/conf.d/default.conf:ro'],
      ports: ['127.0.0.1:3080:80'],
      depends_on: { [chatwoot.rails.name]: { condition: 'service_started' } },
      networks: { default: { aliases: [REPRO_ALIASES.proxy] } },
    };
    described.push({ name: REPRO_ALIASES.proxy, image: REPRO_NGINX_IMAGE, spec: undefined, ports: [{ host: 3080, container: 80 }] });
    chatwootUrlFromEvolution = `http://${REPRO_ALIASES.proxy}`;
  }
  if (setup.faults.slowStorage && storageSpec) {
    const toxiproxy = REPRO_TOXIPROXY_IMAGE;
    services[REPRO_ALIASES.latency] = {
      image: toxiproxy,
      ports: [`127.0.0.1:${TOXIPROXY_API_PORT}:${TOXIPROXY_API_PORT}`],
      depends_on: { [storageSpec.name]: { condition: 'service_started' } },
      networks: { default: { aliases: [REPRO_ALIASES.latency] } },
    };
    described.push({ name: REPRO_ALIASES.latency, image: toxiproxy, spec: undefined, ports: [{ host: TOXIPROXY_API_PORT, container: TOXIPROXY_API_PORT }] });
  }

  const document = {
    name: `evochat-repro-${setup.cell.id.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}`,
    services,
  };
  const header = [
    `# ${report.title}`,
    `# Generated by evochat-matrix repro from the docker backend's container specs: upstream images, the reporter's settings.`,
    '# Local throwaway credentials only; every port is published on 127.0.0.1. Steps: README.md.',
  ].join('\n');
  return {
    yaml: `${header}\n${stringify(document, { lineWidth: 0, aliasDuplicateObjects: false })}`,
    files,
    services: described,
    endpoints: {
      chatwootUrl: `http://localhost:${CHATWOOT_PORT}`,
      evolutionUrl: `http://localhost:${EVOLUTION_PORT}`,
      chatwootUrlFromEvolution,
      serverUrl,
      evolutionApiKey: REPRO_SECRETS.evolutionApiKey,
      chatwootToken: REPRO_CHATWOOT_TOKEN,
    },
  };
}
