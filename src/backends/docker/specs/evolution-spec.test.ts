import { describe, expect, it } from 'vitest';
import type { PlannedService } from '../../../matrix/plan-types.ts';
import { createImageResolver } from '../images.ts';
import { evolutionSpecs } from './evolution-spec.ts';
import { testSpecContext } from './test-context.ts';

const service = (version: string): PlannedService => ({
  id: `evolution-${version}`,
  kind: 'evolution',
  version: version as PlannedService['version'],
  variant: 'standard',
  cells: ['cell-a'],
  dependsOn: [],
});
const wiring = { alias: 'evo', serverUrl: 'http://evo:8080' };

describe('Evolution container specs per generation (evolution-api-2.x.md §1.4)', () => {
  it('keeps 1.7 as one container with its database-less env and command', () => {
    const specs = evolutionSpecs(service('1.7.5'), wiring, testSpecContext('upstream'));
    expect(specs.map((spec) => spec.role)).toEqual(['evolution']);
    expect(specs[0]).toMatchObject({ image: 'atendai/evolution-api:v1.7.5', command: ['node', './dist/src/main.js'], env: { DATABASE_ENABLED: 'false' } });
  });

  it.each([
    ['2.1.2', 'atendai/evolution-api:v2.1.2'],
    ['2.2.3', 'atendai/evolution-api:v2.2.3'],
    ['2.3.6', 'evoapicloud/evolution-api:v2.3.6'],
  ])('gives %s its own Postgres, the entrypoint (no command), and every precondition of the grid set', (version, image) => {
    const [postgres, app] = evolutionSpecs(service(version), wiring, testSpecContext('upstream'));
    expect(postgres?.role).toBe('postgres');
    expect(app).toMatchObject({ role: 'evolution', image, dependsOn: [postgres!.name] });
    expect(app?.command).toBeUndefined();
    expect(app?.env).toMatchObject({
      DATABASE_PROVIDER: 'postgresql',
      DATABASE_CONNECTION_URI: 'postgresql://postgres:pg-secret-1234@evo-postgres:5432/chatwoot?schema=evolution_api',
      CHATWOOT_ENABLED: 'true',
      CACHE_REDIS_ENABLED: 'false',
      CHATWOOT_IMPORT_DATABASE_CONNECTION_URI: '',
      SERVER_URL: 'http://evo:8080',
      AUTHENTICATION_API_KEY: 'evo-key-1234',
    });
    // 2.3.6's GET / asks WhatsApp every time (§M.2): readiness comes from the log line instead.
    expect(app?.wait.kind).toBe(version === '2.3.6' ? 'log' : 'http');
  });

  it('runs a real PostgreSQL next to twin Evolutions: the PostgreSQL 15 image built here (no registry)', () => {
    const [postgres, app] = evolutionSpecs(service('2.2.3'), wiring, testSpecContext('twin'));
    expect(postgres?.image).toBe('localhost/evochat-twin/postgres:15');
    expect(postgres?.wait).toMatchObject({ kind: 'log', times: 2 });
    expect(app?.image).toBe('localhost/evochat-twin/evolution:2.2.3');
  });

  describe('evolution-faults variants: each a working 2.x environment with one thing wrong (§0.3, §1.3, §5.2, §6)', () => {
    const variant = (name: PlannedService['variant'], extra: Partial<PlannedService> = {}): PlannedService => ({
      ...service('2.3.6'),
      id: `evolution-2.3.6-${name}`,
      variant: name,
      ...extra,
    });
    const appOf = (specs: ReturnType<typeof evolutionSpecs>) => specs.find((spec) => spec.role === 'evolution')!;

    it('chatwoot-disabled leaves CHATWOOT_ENABLED unset; baked-import-uri leaves the import URI unset', () => {
      expect(appOf(evolutionSpecs(variant('chatwoot-disabled'), wiring, testSpecContext('twin'))).env).not.toHaveProperty('CHATWOOT_ENABLED');
      const baked = appOf(evolutionSpecs(variant('baked-import-uri'), wiring, testSpecContext('twin'))).env;
      expect(baked).not.toHaveProperty('CHATWOOT_IMPORT_DATABASE_CONNECTION_URI');
      expect(baked.CHATWOOT_ENABLED).toBe('true');
    });

    it('redis-unreachable turns the Redis cache on at the image default, where nothing listens', () => {
      expect(appOf(evolutionSpecs(variant('redis-unreachable'), wiring, testSpecContext('twin'))).env).toMatchObject({
        CACHE_REDIS_ENABLED: 'true',
        CACHE_REDIS_URI: 'redis://localhost:6379/6',
      });
    });

    it('database-unreachable starts no Postgres, points at a host nothing answers for, and is a start probe', () => {
      const specs = evolutionSpecs(variant('database-unreachable'), wiring, testSpecContext('twin'));
      expect(specs.map((spec) => spec.role)).toEqual(['evolution']);
      expect(specs[0]).toMatchObject({ startProbe: true, dependsOn: [] });
      expect(specs[0]!.env.DATABASE_CONNECTION_URI).toContain('@evo-nodb-postgres:5432/');
    });

    it('slow-media-store keeps its media on the object store behind the latency proxy, with the run keys', () => {
      const specs = evolutionSpecs(
        variant('slow-media-store'),
        { ...wiring, mediaStore: { host: 'storage-latency-proxy', port: 9000 } },
        testSpecContext('twin'),
      );
      expect(appOf(specs).env).toMatchObject({
        S3_ENABLED: 'true',
        S3_ENDPOINT: 'storage-latency-proxy',
        S3_PORT: '9000',
        S3_USE_SSL: 'false',
        S3_ACCESS_KEY: 'evochat-access',
        S3_SECRET_KEY: 's3-secret-1234',
        S3_BUCKET: 'evolution-evolution-2-3-6-slow-media-store',
      });
      expect(() => evolutionSpecs(variant('slow-media-store'), wiring, testSpecContext('twin'))).toThrow(/latency proxy/);
    });
  });

  it('lets the tag be overridden like every pinned image', () => {
    const images = createImageResolver('upstream', { EVOCHAT_IMAGE_EVOLUTION_2_3_6: 'registry.corp/evo:2.3.6' });
    const [, app] = evolutionSpecs(service('2.3.6'), wiring, { ...testSpecContext('upstream'), images });
    expect(app?.image).toBe('registry.corp/evo:2.3.6');
  });
});
