/**
 * The container specs, checked against the upstream fact sheets (chatwoot-3.7-3.9.md §5, evolution-api-1.7.md
 * §1.5 and §7): the real images cannot run here, so these tests are what keeps their wiring honest.
 */
import { describe, expect, it } from 'vitest';
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, STORAGES, cellId, type CellKey } from '../../../model/axes.ts';
import type { PlannedCell, RunPlan } from '../../../matrix/plan-types.ts';
import { planRun } from '../../../matrix/plan.ts';
import { LABELS } from '../labels.ts';
import type { ContainerSpec } from './container-spec.ts';
import { allProxySpecs, bucketFor, countContainers, LINKS, proxySpecs, serviceSpecs, UNREACHABLE_SERVER_URL, type ProxyAddresses } from './plan-specs.ts';
import { TEST_SECRETS, testSpecContext } from './test-context.ts';

const ALL_SUITES = ['auth', 'instance-bootstrap', 'bot-command', 'attachment-storage', 'config-faults'];

function cell(key: CellKey, suites = ALL_SUITES): PlannedCell {
  return { ...key, id: cellId(key), suites };
}

function fullPlan(): RunPlan {
  const cells: PlannedCell[] = [];
  for (const chatwoot of CHATWOOT_VERSIONS)
    for (const evolution of EVOLUTION_VERSIONS) for (const storage of STORAGES) cells.push(cell({ chatwoot, evolution, storage }));
  return planRun(cells);
}

/** Fake proxy addresses: 10.0.0.<n> in plan order. */
function addressesFor(plan: RunPlan): ProxyAddresses {
  const proxies = allProxySpecs(proxySpecs(plan, testSpecContext('upstream')));
  return new Map(proxies.map((spec, index) => [spec.name, `10.0.0.${index + 10}`]));
}

function servicesOf(plan: RunPlan, kind: 'upstream' | 'twin') {
  const context = testSpecContext(kind);
  return serviceSpecs(plan, context, proxySpecs(plan, context), addressesFor(plan));
}

function allSpecs(plan: RunPlan, kind: 'upstream' | 'twin'): ContainerSpec[] {
  const proxies = allProxySpecs(proxySpecs(plan, testSpecContext(kind)));
  return [...proxies, ...[...servicesOf(plan, kind).values()].flatMap((s) => s.specs)];
}

function byName(specs: ContainerSpec[], name: string): ContainerSpec {
  const spec = specs.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`no spec ${name}; have ${specs.map((s) => s.name).join(', ')}`);
  return spec;
}

const minioCell = cell({ chatwoot: '3.8.0', evolution: '1.7.4', storage: 'minio' });

describe('upstream Chatwoot stack (chatwoot-3.7-3.9.md §5)', () => {
  const plan = planRun([minioCell]);
  const specs = allSpecs(plan, 'upstream');
  const postgres = byName(specs, 'chatwoot-3-8-0-minio-postgres');
  const redis = byName(specs, 'chatwoot-3-8-0-minio-redis');
  const prepare = byName(specs, 'chatwoot-3-8-0-minio-prepare');
  const rails = byName(specs, 'chatwoot-3-8-0-minio-rails');
  const sidekiq = byName(specs, 'chatwoot-3-8-0-minio-sidekiq');

  it("runs postgres:12 with the compose file's database and user", () => {
    expect(postgres.image).toBe('postgres:12');
    expect(postgres.env).toEqual({ POSTGRES_DB: 'chatwoot', POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: TEST_SECRETS.postgresPassword });
    expect(postgres.wait).toMatchObject({ kind: 'log', times: 2 });
    expect('database system is ready to accept connections').toMatch((postgres.wait as { pattern: RegExp }).pattern);
  });

  it('runs Redis (alpine) with --requirepass from REDIS_PASSWORD', () => {
    expect(redis.image).toMatch(/^redis:7[.\d]*-alpine$/);
    expect(redis.command).toEqual(['redis-server', '--requirepass', TEST_SECRETS.redisPassword]);
  });

  it('prepares the database once with the rails entrypoint, after postgres and redis', () => {
    expect(prepare.image).toBe('chatwoot/chatwoot:v3.8.0');
    expect(prepare.entrypoint).toEqual(['docker/entrypoints/rails.sh']);
    expect(prepare.command).toEqual(['bundle', 'exec', 'rails', 'db:chatwoot_prepare']);
    expect(prepare.oneShot).toBe(true);
    expect(prepare.wait.kind).toBe('one-shot');
    expect(prepare.dependsOn).toEqual([postgres.name, redis.name]);
  });

  it("serves rails with upstream's entrypoint and command, waiting on GET /api for healthy data and queue services", () => {
    expect(rails.image).toBe('chatwoot/chatwoot:v3.8.0');
    expect(rails.entrypoint).toEqual(['docker/entrypoints/rails.sh']);
    expect(rails.command).toEqual(['bundle', 'exec', 'rails', 's', '-p', '3000', '-b', '0.0.0.0']);
    expect(rails.exposedPorts).toEqual([3000]);
    expect(rails.wait).toEqual({
      kind: 'http',
      path: '/api',
      port: 3000,
      status: 200,
      jsonFields: { data_services: 'ok', queue_services: 'ok' },
      timeoutMs: 180_000,
    });
    expect(rails.dependsOn).toEqual(expect.arrayContaining([prepare.name, 's3-minio']));
  });

  it('runs sidekiq from the same image without the rails entrypoint', () => {
    expect(sidekiq.image).toBe(rails.image);
    expect(sidekiq.entrypoint).toBeUndefined();
    expect(sidekiq.command).toEqual(['bundle', 'exec', 'sidekiq', '-C', 'config/sidekiq.yml']);
    expect(sidekiq.dependsOn).toEqual([prepare.name]);
    expect(sidekiq.env).toEqual(rails.env);
    expect(prepare.env).toEqual(rails.env);
  });

  it('gives rails the production env, the database and Redis it is wired to, and MinIO with path style', () => {
    expect(rails.env).toMatchObject({
      NODE_ENV: 'production',
      RAILS_ENV: 'production',
      INSTALLATION_ENV: 'docker',
      SECRET_KEY_BASE: TEST_SECRETS.secretKeyBase,
      DEFAULT_LOCALE: 'en',
      POSTGRES_USERNAME: 'postgres',
      POSTGRES_PASSWORD: TEST_SECRETS.postgresPassword,
      REDIS_PASSWORD: TEST_SECRETS.redisPassword,
      ACTIVE_STORAGE_SERVICE: 's3_compatible',
      STORAGE_BUCKET_NAME: bucketFor({ id: 'chatwoot-3.8.0-minio' }),
      STORAGE_ACCESS_KEY_ID: TEST_SECRETS.s3AccessKeyId,
      STORAGE_SECRET_ACCESS_KEY: TEST_SECRETS.s3SecretAccessKey,
      STORAGE_FORCE_PATH_STYLE: 'true',
      STORAGE_REGION: 'us-east-1',
    });
    // docs PR #551: POSTGRES_DATABASE must name the database the postgres container creates.
    expect(rails.env.POSTGRES_DATABASE).toBe(postgres.env.POSTGRES_DB);
    expect(postgres.networkAliases).toContain(rails.env.POSTGRES_HOST);
    expect(rails.env.POSTGRES_PORT).toBe('5432');
    expect(redis.networkAliases).toContain(new URL(rails.env.REDIS_URL!).hostname);
    expect(new URL(rails.env.REDIS_URL!).port).toBe('6379');
  });

  it('points FRONTEND_URL at its recording proxy and STORAGE_ENDPOINT at its storage proxy, by address', () => {
    const addresses = addressesFor(plan);
    expect(rails.env.FRONTEND_URL).toBe(`http://${addresses.get('chatwoot-3-8-0-minio-proxy')}:3000`);
    expect(rails.env.STORAGE_ENDPOINT).toBe(`http://${addresses.get('chatwoot-3-8-0-minio-storage-proxy')}:9000`);
  });

  it('keeps rack-attack on (upstream default) however many cells share a Chatwoot: accounts come from the Platform API, not signup', () => {
    expect(rails.env.ENABLE_RACK_ATTACK).toBeUndefined();
    expect(rails.env.ENABLE_ACCOUNT_SIGNUP).toBeUndefined();
    const crowded = planRun(Array.from({ length: 8 }, (_, i) => ({ ...minioCell, id: `cell-${i}` })));
    const crowdedRails = byName(allSpecs(crowded, 'upstream'), 'chatwoot-3-8-0-minio-rails');
    expect(crowdedRails.env.ENABLE_RACK_ATTACK).toBeUndefined();
  });

  it('uses local storage on a local cell', () => {
    const local = allSpecs(planRun([cell({ chatwoot: '3.7.0', evolution: '1.7.5', storage: 'local' })]), 'upstream');
    const localRails = byName(local, 'chatwoot-3-7-0-local-rails');
    expect(localRails.image).toBe('chatwoot/chatwoot:v3.7.0');
    expect(localRails.env.ACTIVE_STORAGE_SERVICE).toBe('local');
    expect(Object.keys(localRails.env).filter((name) => name.startsWith('STORAGE_'))).toEqual([]);
  });
});

describe('twin Chatwoot stack', () => {
  const plan = planRun([minioCell]);
  const services = servicesOf(plan, 'twin');
  const chatwoot = services.get('chatwoot-3.8.0-minio')!;
  const upstreamRails = servicesOf(plan, 'upstream').get('chatwoot-3.8.0-minio')!.main!;

  it('starts only rails, from the twin image, with exactly the upstream command and env', () => {
    expect(chatwoot.specs.map((spec) => spec.role)).toEqual(['chatwoot-rails']);
    const rails = chatwoot.main!;
    expect(rails.image).toBe('localhost/evochat-twin/chatwoot:3.8.0');
    expect(rails.entrypoint).toEqual(upstreamRails.entrypoint);
    expect(rails.command).toEqual(upstreamRails.command);
    expect(rails.env).toEqual(upstreamRails.env);
    expect(rails.wait).toEqual(upstreamRails.wait);
    expect(rails.dependsOn).toEqual(['s3-minio']);
  });

  it('says which upstream containers the twin replaced and why', () => {
    expect(chatwoot.replacedByTwin.map((entry) => entry.role)).toEqual(['postgres', 'redis', 'chatwoot-prepare', 'chatwoot-platform-app', 'chatwoot-sidekiq']);
    for (const entry of chatwoot.replacedByTwin) expect(entry.reason.length).toBeGreaterThan(10);
  });

  it("uses the S3 twin in MinIO's role, with MinIO's command and health route", () => {
    const minio = services.get('s3')!.main!;
    expect(minio.image).toBe('localhost/evochat-twin/s3:latest');
    expect(minio.command).toEqual(['server', '/data']);
    expect(minio.wait).toMatchObject({ kind: 'http', path: '/minio/health/live', port: 9000 });
  });
});

describe('Evolution (evolution-api-1.7.md §1.5, §7)', () => {
  const plan = planRun([cell({ chatwoot: '3.9.0', evolution: '1.7.5', storage: 'local' })]);
  const specs = allSpecs(plan, 'upstream');
  const evolution = byName(specs, 'evolution-1-7-5-app');

  it('runs the pinned image with its command, the no-database env and plain logs', () => {
    expect(evolution.image).toBe('atendai/evolution-api:v1.7.5');
    expect(evolution.entrypoint).toBeUndefined();
    expect(evolution.command).toEqual(['node', './dist/src/main.js']);
    expect(evolution.env).toMatchObject({
      AUTHENTICATION_TYPE: 'apikey',
      AUTHENTICATION_API_KEY: TEST_SECRETS.evolutionApiKey,
      LOG_COLOR: 'false',
      LANGUAGE: 'en',
      DATABASE_ENABLED: 'false',
      CACHE_REDIS_ENABLED: 'false',
      CACHE_LOCAL_ENABLED: 'false',
      SERVER_PORT: '8080',
      SERVER_TYPE: 'http',
    });
    // These crash 1.7.x at startup when unset (§1.2): the spec must never rely on an image that sets them.
    for (const name of ['CORS_ORIGIN', 'CORS_METHODS', 'LOG_LEVEL', 'AUTHENTICATION_TYPE']) expect(evolution.env[name]).toBeTruthy();
    expect(evolution.wait).toEqual({ kind: 'http', path: '/', port: 8080, status: 200, timeoutMs: 60_000 });
  });

  it('sets SERVER_URL to its recording proxy, reachable from Chatwoot on the run network', () => {
    const proxy = byName(specs, 'evolution-1-7-5-proxy');
    const serverUrl = new URL(evolution.env.SERVER_URL!);
    expect(proxy.networkAliases).toContain(serverUrl.hostname);
    expect(proxy.exposedPorts).toContain(Number(serverUrl.port));
    expect(evolution.env.SERVER_URL).toBe('http://evolution-1-7-5:8080');
  });

  it('misconfigures the fault variants exactly as SCENARIOS.md describes', () => {
    const trailing = byName(specs, 'evolution-1-7-5-trailing-slash-server-url-app');
    expect(trailing.env.SERVER_URL).toBe('http://evolution-1-7-5-trailing-slash-server-url:8080/');
    const unreachable = byName(specs, 'evolution-1-7-5-unreachable-server-url-app');
    expect(unreachable.env.SERVER_URL).toBe(UNREACHABLE_SERVER_URL);
  });
});

describe('MinIO and the proxies', () => {
  const plan = planRun([minioCell]);
  const specs = allSpecs(plan, 'upstream');

  it('pins MinIO to a release tag and runs `server /data` with root credentials', () => {
    const minio = byName(specs, 's3-minio');
    expect(minio.image).toMatch(/^minio\/minio:RELEASE\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
    expect(minio.command).toEqual(['server', '/data']);
    expect(minio.env).toEqual({ MINIO_ROOT_USER: TEST_SECRETS.s3AccessKeyId, MINIO_ROOT_PASSWORD: TEST_SECRETS.s3SecretAccessKey });
    expect(minio.wait).toMatchObject({ kind: 'http', path: '/minio/health/live', port: 9000, status: 200 });
  });

  it('puts a recording proxy on every link, answering on the service alias and forwarding to its container', () => {
    const expectations: [string, string, string][] = [
      ['chatwoot-3-8-0-minio-proxy', LINKS.toChatwoot, 'http://chatwoot-3-8-0-minio-rails:3000'],
      ['evolution-1-7-4-proxy', LINKS.toEvolution, 'http://evolution-1-7-4-app:8080'],
      ['chatwoot-3-8-0-minio-storage-proxy', LINKS.toStorage, 'http://s3-minio:9000'],
      ['chatwoot-3-8-0-slow-storage-storage-proxy', LINKS.toStorage, 'http://storage-latency-proxy:9000'],
    ];
    for (const [name, link, upstream] of expectations) {
      const proxy = byName(specs, name);
      expect(proxy.image).toBe('localhost/evochat-twin/proxy:latest');
      expect(proxy.env).toMatchObject({ TWIN_PROXY_KIND: 'record', TWIN_PROXY_LINK: link, TWIN_PROXY_UPSTREAM: upstream });
      expect(proxy.wait).toMatchObject({ kind: 'http', path: '/__evochat/health' });
      const upstreamHost = new URL(upstream).hostname;
      expect(specs.some((spec) => spec.networkAliases.includes(upstreamHost))).toBe(true);
    }
  });

  it('lets a proxy reuse its connections only toward a twin Chatwoot or Evolution, which never closes an idle one', () => {
    const twinSpecs = allSpecs(plan, 'twin');
    for (const name of ['chatwoot-3-8-0-minio-proxy', 'evolution-1-7-4-proxy']) {
      expect(byName(twinSpecs, name).env.TWIN_PROXY_UPSTREAM_KEEPS_IDLE).toBe('true');
      expect(byName(specs, name).env.TWIN_PROXY_UPSTREAM_KEEPS_IDLE).toBeUndefined();
    }
    // The S3 twin (s3rver) closes idle connections itself, like MinIO: fresh connections there.
    expect(byName(twinSpecs, 'chatwoot-3-8-0-minio-storage-proxy').env.TWIN_PROXY_UPSTREAM_KEEPS_IDLE).toBeUndefined();
  });

  it("puts the latency proxy between the slow-storage Chatwoot's storage proxy and the object store", () => {
    const latency = byName(specs, 'storage-latency-proxy-proxy');
    expect(latency.networkAliases).toEqual(['storage-latency-proxy']);
    expect(latency.env).toMatchObject({ TWIN_PROXY_KIND: 'latency', TWIN_PROXY_UPSTREAM: 'http://s3-minio:9000', TWIN_PROXY_DELAY_MS: '0' });
    expect(latency.wait).toMatchObject({ kind: 'http', path: '/__evochat/latency' });
    const slowRails = byName(specs, 'chatwoot-3-8-0-slow-storage-rails');
    expect(slowRails.env.STORAGE_ENDPOINT).toBe(`http://${addressesFor(plan).get('chatwoot-3-8-0-slow-storage-storage-proxy')}:9000`);
    expect(slowRails.dependsOn).toContain('s3-minio');
  });
});

describe('the whole plan', () => {
  const plan = fullPlan();

  for (const kind of ['upstream', 'twin'] as const) {
    it(`(${kind}) has unique names and aliases, dependencies that exist and no cycles`, () => {
      const specs = allSpecs(plan, kind);
      const names = specs.map((spec) => spec.name);
      expect(new Set(names).size).toBe(names.length);
      const aliases = specs.flatMap((spec) => spec.networkAliases);
      expect(new Set(aliases).size).toBe(aliases.length);
      const done = new Set<string>();
      let progress = true;
      while (progress) {
        progress = false;
        for (const spec of specs) {
          if (!done.has(spec.name) && spec.dependsOn.every((dep) => done.has(dep))) {
            done.add(spec.name);
            progress = true;
          }
        }
      }
      expect(names.filter((name) => !done.has(name))).toEqual([]);
    });

    it(`(${kind}) labels every container with the run, service, role, cells and creation time`, () => {
      for (const spec of allSpecs(plan, kind)) {
        expect(spec.labels).toMatchObject({
          [LABELS.managed]: 'true',
          [LABELS.runId]: 'run-1',
          [LABELS.service]: spec.serviceId,
          [LABELS.role]: spec.role,
          [LABELS.createdAt]: '2026-01-02T03:04:05.000Z',
        });
        expect(spec.labels[LABELS.cells]!.split(',').length).toBeGreaterThan(0);
      }
    });
  }

  it('starts far fewer containers than a stack per cell, and fewer with twins', () => {
    // The seed's 12 cells (3.7.0–3.9.0 × 1.7.x): the counts below are theirs; later profiles add Postgres for 2.x etc.
    const plan = planRun(fullPlan().cells.filter((c) => ['3.7.0', '3.8.0', '3.9.0'].includes(c.chatwoot) && c.evolution.startsWith('1.7')));
    const upstream = countContainers(plan, testSpecContext('upstream'));
    const twin = countContainers(plan, testSpecContext('twin'));
    const naiveTwin = plan.cells.reduce((sum, c) => sum + countContainers(planRun([c]), testSpecContext('twin')), 0);
    // 9 Chatwoots (3 versions × local, minio, slow-storage), 6 Evolutions, 1 object store, 1 latency proxy.
    expect(plan.services).toHaveLength(17);
    // Proxies: a front per Chatwoot and Evolution (15), a storage proxy per Chatwoot on minio (6), the latency proxy.
    const proxies = 15 + 6 + 1;
    expect(twin).toBe(proxies + 9 + 6 + 1);
    // Upstream Chatwoot: postgres, redis, prepare, platform-app (one-shot `rails runner`), rails, sidekiq.
    expect(upstream).toBe(proxies + 9 * 6 + 6 + 1);
    expect(naiveTwin).toBeGreaterThan(2 * twin);
  });
});
