import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createImageResolver, UPSTREAM_IMAGES } from '../backends/docker/images.ts';
import { CHATWOOT_PORT, chatwootEnv } from '../backends/docker/specs/chatwoot-specs.ts';
import { EVOLUTION_PORT, evolutionEnv } from '../backends/docker/specs/evolution-spec.ts';
import { MINIO_PORT, minioSpec } from '../backends/docker/specs/minio-spec.ts';
import { postgresSpec } from '../backends/docker/specs/postgres-spec.ts';
import { redisSpec } from '../backends/docker/specs/redis-spec.ts';
import type { SpecContext } from '../backends/docker/specs/spec-context.ts';
import { SUITE_CATALOG } from '../scenario/suite-catalog.ts';
import { BugReport } from './bug-report-schema.ts';
import { deriveReproSetup } from './derive-repro-setup.ts';
import { REPRO_SECRETS, REPRO_TOXIPROXY_IMAGE, buildReproCompose, upstreamEnv } from './repro-compose.ts';

interface ComposeService {
  image: string;
  environment?: Record<string, string>;
  ports?: string[];
  command?: string[];
  entrypoint?: string[];
  depends_on?: Record<string, { condition: string }>;
  networks?: { default?: { aliases?: string[] } };
}

function compose(settings: Record<string, unknown>, versions = { chatwoot: '3.8.0', evolution: '1.7.4' }) {
  const report = BugReport.parse({ title: 'compose test', symptom: 's', versions, settings });
  const setup = deriveReproSetup(report, SUITE_CATALOG);
  const built = buildReproCompose(report, setup);
  const parsed = parse(built.yaml) as { name: string; services: Record<string, ComposeService> };
  // The same spec context the generator documents, built here independently from the spec functions.
  const context: SpecContext = {
    runId: 'repro',
    createdAt: new Date(0),
    images: createImageResolver('upstream', {}, {}),
    settings: setup.settings,
    secrets: REPRO_SECRETS,
    runLabels: {},
  };
  return { built, parsed, setup, context };
}

describe('the bundle docker-compose.yml', () => {
  it('runs the upstream images with the env, commands and ports of the docker backend specs', () => {
    const { built, parsed, context } = compose({ defaultLocale: 'pt_BR' });
    const services = parsed.services;
    expect(Object.keys(services).sort()).toEqual([
      'chatwoot-postgres',
      'chatwoot-prepare',
      'chatwoot-rails',
      'chatwoot-redis',
      'chatwoot-sidekiq',
      'evolution-app',
    ]);

    const rails = services['chatwoot-rails']!;
    expect(rails.image).toBe(UPSTREAM_IMAGES['chatwoot@3.8.0']);
    const wiring = {
      alias: 'chatwoot',
      frontendUrl: `http://localhost:${CHATWOOT_PORT}`,
      storage: { kind: 'local' as const },
      dependsOn: [],
      rackAttack: true,
    };
    expect(rails.environment).toEqual(chatwootEnv('3.8.0', wiring, context));
    expect(rails.environment?.DEFAULT_LOCALE).toBe('pt_BR');
    expect(rails.ports).toEqual([`127.0.0.1:${CHATWOOT_PORT}:${CHATWOOT_PORT}`]);
    expect(rails.entrypoint).toEqual(['docker/entrypoints/rails.sh']);
    expect(rails.depends_on).toEqual({ 'chatwoot-prepare': { condition: 'service_completed_successfully' } });
    expect(services['chatwoot-sidekiq']!.environment).toEqual(rails.environment);
    expect(services['chatwoot-prepare']!.command).toEqual(['bundle', 'exec', 'rails', 'db:chatwoot_prepare']);

    const postgres = postgresSpec('chatwoot', 'chatwoot', [], context);
    expect(services['chatwoot-postgres']).toMatchObject({ image: postgres.image, environment: postgres.env });
    const redis = redisSpec('chatwoot', 'chatwoot', [], context);
    expect(services['chatwoot-redis']).toMatchObject({ image: redis.image, environment: redis.env, command: redis.command });
    // Every host name the Chatwoot env names resolves to a service of the file.
    const aliases = Object.values(services).flatMap((service) => service.networks?.default?.aliases ?? []);
    expect(aliases).toEqual(expect.arrayContaining(['chatwoot-postgres', 'chatwoot-redis', 'chatwoot', 'evolution']));

    expect(built.yaml).not.toMatch(/[&*]a\d+/);
    const evolution = services['evolution-app']!;
    expect(evolution.image).toBe(UPSTREAM_IMAGES['evolution@1.7.4']);
    expect(evolution.environment).toEqual(upstreamEnv(evolutionEnv({ alias: 'evolution', serverUrl: `http://evolution:${EVOLUTION_PORT}` }, context)));
    expect(Object.keys(evolution.environment ?? {}).some((name) => name.startsWith('TWIN_'))).toBe(false);
    expect(evolution.ports).toEqual([`127.0.0.1:${EVOLUTION_PORT}:${EVOLUTION_PORT}`]);
    expect(evolution.command).toEqual(['node', './dist/src/main.js']);
  });

  it('keeps the reporter’s SERVER_URL shape: a trailing slash, or localhost', () => {
    expect(compose({ serverUrl: 'https://evo.example.com/' }).parsed.services['evolution-app']!.environment?.SERVER_URL).toBe('http://evolution:8080/');
    expect(compose({ serverUrl: 'http://localhost:8080' }).parsed.services['evolution-app']!.environment?.SERVER_URL).toBe('http://localhost:8080');
  });

  it('minio storage adds the MinIO spec and the s3_compatible env', () => {
    const { parsed, context } = compose({ storage: 'minio' });
    const minio = minioSpec('s3', 'storage', [], context);
    expect(parsed.services['storage-minio']).toMatchObject({
      image: UPSTREAM_IMAGES.minio,
      environment: minio.env,
      command: minio.command,
      ports: [`127.0.0.1:${MINIO_PORT}:${MINIO_PORT}`],
    });
    expect(parsed.services['chatwoot-rails']!.environment).toMatchObject({
      ACTIVE_STORAGE_SERVICE: 's3_compatible',
      STORAGE_ENDPOINT: 'http://storage:9000',
      STORAGE_FORCE_PATH_STYLE: 'true',
    });
  });

  it('a proxy that drops underscore headers is an nginx with its default underscores_in_headers off in front of Chatwoot', () => {
    const { built, parsed } = compose({ proxy: { dropsUnderscoreHeaders: true } });
    expect(parsed.services['chatwoot-proxy']).toMatchObject({ image: 'nginx:1.27-alpine', volumes: ['./nginx.conf:/etc/nginx/conf.d/default.conf:ro'] });
    expect(built.files['nginx.conf']).toContain('proxy_pass http://chatwoot:3000;');
    expect(built.files['nginx.conf']).not.toMatch(/^\s*underscores_in_headers on;/m);
    expect(built.endpoints.chatwootUrlFromEvolution).toBe('http://chatwoot-proxy');
  });

  it('slow storage puts a Toxiproxy between Chatwoot and MinIO', () => {
    const { parsed } = compose({ storage: 'minio', storageLatencyMs: 6000 });
    expect(parsed.services['storage-latency']!.image).toBe(REPRO_TOXIPROXY_IMAGE);
    expect(parsed.services['chatwoot-rails']!.environment?.STORAGE_ENDPOINT).toBe('http://storage-latency:9001');
  });
});
