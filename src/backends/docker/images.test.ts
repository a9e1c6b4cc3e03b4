import { afterEach, describe, expect, it } from 'vitest';
import { ImageName } from 'testcontainers';
import { ConfigError } from '../../errors/index.ts';
import { planRun } from '../../matrix/plan.ts';
import {
  createImageResolver,
  effectiveImageName,
  imagesForPlan,
  LOCAL_SLOTS,
  type ImageSlot,
  overrideEnvName,
  readImageOverrides,
  slotsForPlan,
  TWIN_IMAGES,
  UPSTREAM_IMAGES,
} from './images.ts';

describe('pinned images', () => {
  it('names the upstream images the fact sheets give, one per version', () => {
    expect(UPSTREAM_IMAGES['chatwoot@3.7.0']).toBe('chatwoot/chatwoot:v3.7.0');
    expect(UPSTREAM_IMAGES['chatwoot@3.9.0']).toBe('chatwoot/chatwoot:v3.9.0');
    expect(UPSTREAM_IMAGES['evolution@1.7.4']).toBe('atendai/evolution-api:v1.7.4');
    expect(UPSTREAM_IMAGES.postgres).toBe('postgres:12');
    // Pinned, never a floating latest (the local builds are pinned by their content-hash label instead).
    for (const [slot, image] of Object.entries(UPSTREAM_IMAGES)) {
      if (!LOCAL_SLOTS.includes(slot as ImageSlot)) expect(image).not.toMatch(/:latest$|^[^:]+$/);
    }
  });

  it('keeps every twin image under the local registry name, so a hub prefix never applies to them', () => {
    for (const image of Object.values(TWIN_IMAGES)) expect(image.startsWith('localhost/evochat-twin/')).toBe(true);
  });
});

describe('overrides', () => {
  it('reads EVOCHAT_IMAGE_<SLOT> and a JSON file, env winning', () => {
    expect(overrideEnvName('chatwoot@3.8.0')).toBe('EVOCHAT_IMAGE_CHATWOOT_3_8_0');
    const files: Record<string, string> = {
      '/images.json': JSON.stringify({ postgres: 'mirror.example/postgres:12', 'chatwoot@3.8.0': 'from-file/chatwoot:v3.8.0' }),
    };
    const overrides = readImageOverrides(
      { EVOCHAT_IMAGES_FILE: '/images.json', EVOCHAT_IMAGE_CHATWOOT_3_8_0: 'mine/chatwoot:v3.8.0-patched' },
      (path) => files[path]!,
    );
    expect(overrides).toEqual({ postgres: 'mirror.example/postgres:12', 'chatwoot@3.8.0': 'mine/chatwoot:v3.8.0-patched' });
    const resolver = createImageResolver('upstream', {}, overrides);
    expect(resolver.resolve('chatwoot@3.8.0').requested).toBe('mine/chatwoot:v3.8.0-patched');
    expect(resolver.resolve('chatwoot@3.7.0').requested).toBe('chatwoot/chatwoot:v3.7.0');
  });

  it('rejects unknown slots and malformed names with their paths', () => {
    const read = () => readImageOverrides({ EVOCHAT_IMAGES_FILE: '/x.json', EVOCHAT_IMAGE_REDIS: 'Not An Image' }, () => JSON.stringify({ mongo: 'mongo:7' }));
    expect(read).toThrow(ConfigError);
    try {
      read();
    } catch (error) {
      expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(['mongo', 'EVOCHAT_IMAGE_REDIS']);
    }
  });

  it('ignores overrides for twin images: those are always the local builds', () => {
    const resolver = createImageResolver('twin', {}, { 'chatwoot@3.8.0': 'mine/chatwoot:x' });
    expect(resolver.resolve('chatwoot@3.8.0')).toEqual({
      slot: 'chatwoot@3.8.0',
      requested: TWIN_IMAGES['chatwoot@3.8.0'],
      effective: TWIN_IMAGES['chatwoot@3.8.0'],
      local: true,
    });
    // Evolution 2.x's database in twin runs: the real PostgreSQL 15 built here; Redis has no stand-in.
    expect(resolver.resolve('postgres')).toMatchObject({ requested: 'localhost/evochat-twin/postgres:15', local: true });
    expect(() => resolver.resolve('redis')).toThrow(/no twin/);
  });
});

describe('TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX', () => {
  const saved = process.env.TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX;
  afterEach(() => {
    if (saved === undefined) delete process.env.TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX;
    else process.env.TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX = saved;
  });

  const cases: [string, string][] = [
    ['registry.corp/mirror/', 'chatwoot/chatwoot:v3.8.0'],
    ['registry.corp/mirror', 'postgres:12'],
    ['registry.corp:5000', 'redis:7.2-alpine'],
    ['mirror', 'minio/minio:RELEASE.2024-12-13T22-19-12Z'],
    ['registry.corp/mirror/', 'ghcr.io/example/image:1.0'],
    ['registry.corp/mirror/', 'localhost/evochat-twin/proxy:latest'],
  ];
  for (const [prefix, image] of cases) {
    it(`computes what testcontainers uses for ${image} with prefix "${prefix}"`, () => {
      process.env.TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX = prefix;
      expect(effectiveImageName(image, prefix)).toBe(ImageName.fromString(image).string);
    });
  }

  it('reports the prefixed upstream names and the unprefixed local ones', () => {
    const plan = planRun([{ id: 'c', chatwoot: '3.8.0', evolution: '1.7.4', storage: 'minio', suites: ['auth'] }]);
    const images = imagesForPlan(plan, 'upstream', { TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX: 'registry.corp/mirror/' });
    expect(images.map((image) => image.effective)).toEqual([
      'registry.corp/mirror/chatwoot/chatwoot:v3.8.0',
      'registry.corp/mirror/atendai/evolution-api:v1.7.4',
      'registry.corp/mirror/postgres:12',
      'registry.corp/mirror/redis:7.2-alpine',
      'registry.corp/mirror/minio/minio:RELEASE.2024-12-13T22-19-12Z',
      'localhost/evochat-twin/proxy:latest',
    ]);
    expect(images.find((image) => image.slot === 'proxy')!.local).toBe(true);
  });
});

describe('slotsForPlan', () => {
  const plan = planRun([
    { id: 'a', chatwoot: '3.7.0', evolution: '1.7.5', storage: 'local', suites: ['auth'] },
    { id: 'b', chatwoot: '3.9.0', evolution: '1.7.5', storage: 'minio', suites: ['auth'] },
  ]);

  it('lists what an upstream plan pulls: both Chatwoots with their Postgres and Redis, Evolution, MinIO, the proxy', () => {
    expect(slotsForPlan(plan, 'upstream')).toEqual(['chatwoot@3.7.0', 'chatwoot@3.9.0', 'evolution@1.7.5', 'postgres', 'redis', 'minio', 'proxy']);
  });

  it('lists no Postgres or Redis for twins', () => {
    expect(slotsForPlan(plan, 'twin')).toEqual(['chatwoot@3.7.0', 'chatwoot@3.9.0', 'evolution@1.7.5', 'minio', 'proxy']);
  });
});
