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

  it('runs the real Postgres image next to twin Evolutions (no twin stands in for it)', () => {
    const [postgres, app] = evolutionSpecs(service('2.2.3'), wiring, testSpecContext('twin'));
    expect(postgres?.image).toBe('postgres:12');
    expect(app?.image).toBe('localhost/evochat-twin/evolution:2.2.3');
  });

  it('lets the tag be overridden like every pinned image', () => {
    const images = createImageResolver('upstream', { EVOCHAT_IMAGE_EVOLUTION_2_3_6: 'registry.corp/evo:2.3.6' });
    const [, app] = evolutionSpecs(service('2.3.6'), wiring, { ...testSpecContext('upstream'), images });
    expect(app?.image).toBe('registry.corp/evo:2.3.6');
  });
});
