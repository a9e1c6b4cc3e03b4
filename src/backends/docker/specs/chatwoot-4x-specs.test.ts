/**
 * The real-image wiring of the 3.16.0 and 4.x profiles, checked against chatwoot-3.10-4.x.md (§M, §0.3, §4.2, §5, §6):
 * the images cannot be pulled here, so these tests are what keeps it honest.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../errors/index.ts';
import { CHATWOOT_VERSIONS, cellId, type ChatwootVersion } from '../../../model/axes.ts';
import type { PlannedCell, RunPlan } from '../../../matrix/plan-types.ts';
import { planRun } from '../../../matrix/plan.ts';
import { createImageResolver, slotsForPlan } from '../images.ts';
import { PLATFORM_TOKEN_ENV } from './chatwoot-specs.ts';
import type { ContainerSpec } from './container-spec.ts';
import { allProxySpecs, proxySpecs, serviceSpecs } from './plan-specs.ts';
import { TEST_SECRETS, testSpecContext } from './test-context.ts';

/** What the sheet says about each profile's deployment. */
const SHEET: Record<ChatwootVersion, { postgres: string; optOut: boolean; ready: string }> = {
  '3.7.0': { postgres: 'postgres:12', optOut: false, ready: '/api data+queue' },
  '3.8.0': { postgres: 'postgres:12', optOut: false, ready: '/api data+queue' },
  '3.9.0': { postgres: 'postgres:12', optOut: false, ready: '/api data+queue' },
  '3.16.0': { postgres: 'postgres:12', optOut: false, ready: '/api data+queue' },
  '4.0.4': { postgres: 'pgvector/pgvector:pg16', optOut: false, ready: '/api data+queue' },
  '4.12.1': { postgres: 'pgvector/pgvector:pg16', optOut: false, ready: '/health' },
  '4.13.0': { postgres: 'pgvector/pgvector:pg16', optOut: false, ready: '/health' },
  '4.14.0': { postgres: 'pgvector/pgvector:pg16', optOut: false, ready: '/health' },
  '4.14.2': { postgres: 'pgvector/pgvector:pg16', optOut: true, ready: '/health' },
  '4.15.1': { postgres: 'pgvector/pgvector:pg16', optOut: true, ready: '/health' },
};

function cellOf(chatwoot: ChatwootVersion, suites = ['bot-command', 'config-faults']): PlannedCell {
  const key = { chatwoot, evolution: '1.7.5' as const, storage: 'local' as const };
  return { ...key, id: cellId(key), suites };
}

function specsOf(plan: RunPlan, kind: 'upstream' | 'twin', env: NodeJS.ProcessEnv = {}): ContainerSpec[] {
  // Overrides as a user sets them (env), unlike the shared test context.
  const context = { ...testSpecContext(kind), images: createImageResolver(kind, env) };
  const proxies = proxySpecs(plan, context);
  const addresses = new Map(allProxySpecs(proxies).map((spec, index) => [spec.name, `10.0.0.${index + 10}`]));
  return [...serviceSpecs(plan, context, proxies, addresses).values()].flatMap((entry) => entry.specs);
}

const named = (specs: ContainerSpec[], suffix: string, service: string) => specs.find((spec) => spec.serviceId === service && spec.name.endsWith(suffix));

describe.each(CHATWOOT_VERSIONS)('the upstream Chatwoot %s stack', (version) => {
  const sheet = SHEET[version];
  const service = `chatwoot-${version}-local`;
  const specs = specsOf(planRun([cellOf(version)]), 'upstream');
  const rails = named(specs, '-rails', service)!;

  it(`runs on ${sheet.postgres}`, () => {
    const postgres = named(specs, '-postgres', service)!;
    expect(postgres.image).toBe(sheet.postgres);
    expect(postgres.slot).toBe(sheet.postgres === 'postgres:12' ? 'postgres' : 'postgres-pgvector');
    expect(rails.image).toBe(`chatwoot/chatwoot:v${version}`);
  });

  it(`${sheet.optOut ? 'sets' : 'has no'} SAFE_FETCH_ALLOW_PRIVATE_NETWORK (the harness network is private)`, () => {
    expect(rails.env.SAFE_FETCH_ALLOW_PRIVATE_NETWORK).toBe(sheet.optOut ? 'true' : undefined);
    const sidekiq = named(specs, '-sidekiq', service)!;
    // Sidekiq delivers the webhooks: it needs the switch as much as rails.
    expect(sidekiq.env.SAFE_FETCH_ALLOW_PRIVATE_NETWORK).toBe(rails.env.SAFE_FETCH_ALLOW_PRIVATE_NETWORK);
  });

  it(`waits on ${sheet.ready}, never on data_services from 4.3.0 (§M 3)`, () => {
    if (sheet.ready === '/health') expect(rails.wait).toMatchObject({ kind: 'http', path: '/health', status: 200, jsonFields: { status: 'woot' } });
    else expect(rails.wait).toMatchObject({ kind: 'http', path: '/api', status: 200, jsonFields: { data_services: 'ok', queue_services: 'ok' } });
  });

  it('creates its PlatformApp once, after the migrations, with the run token from the env (never on the command line)', () => {
    // Every Chatwoot container carries it; only the platform-app step uses it on the real image.
    const platformApp = named(specs, '-platform-app', service)!;
    const prepare = named(specs, '-prepare', service)!;
    expect(platformApp).toMatchObject({
      role: 'chatwoot-platform-app',
      image: rails.image,
      entrypoint: rails.entrypoint,
      oneShot: true,
      dependsOn: [prepare.name],
    });
    expect(platformApp.command?.slice(0, 4)).toEqual(['bundle', 'exec', 'rails', 'runner']);
    expect(platformApp.command?.[4]).toMatch(/PlatformApp\.create!/);
    expect(platformApp.command?.join(' ')).not.toContain(TEST_SECRETS.platformToken);
    expect(platformApp.env).toEqual(rails.env);
    expect(rails.env[PLATFORM_TOKEN_ENV]).toBe(TEST_SECRETS.platformToken);
  });
});

describe('the private-network-refusal variant (config-faults/private-webhook-target)', () => {
  it('exists only for 4.14.1+ profiles, as one local Chatwoot without the opt-out', () => {
    for (const version of CHATWOOT_VERSIONS) {
      const plan = planRun([cellOf(version)]);
      const variant = plan.services.find((s) => s.variant === 'private-network-refusal');
      expect(variant !== undefined, version).toBe(SHEET[version].optOut);
      if (!variant) continue;
      const rails = named(specsOf(plan, 'upstream'), '-rails', variant.id)!;
      expect(rails.env.SAFE_FETCH_ALLOW_PRIVATE_NETWORK).toBeUndefined();
      expect(variant.storage).toBe('local');
    }
    expect(planRun([cellOf('4.15.1', ['bot-command'])]).services.some((s) => s.variant === 'private-network-refusal')).toBe(false);
  });
});

describe('pgvector at plan time (chatwoot-3.10-4.x.md §0.3)', () => {
  const plan = planRun([cellOf('4.0.4', ['bot-command'])]);

  it('asks for the pgvector slot for 4.x and the plain one for 3.x', () => {
    expect(slotsForPlan(plan, 'upstream')).toContain('postgres-pgvector');
    expect(slotsForPlan(plan, 'upstream')).not.toContain('postgres');
    expect(slotsForPlan(planRun([cellOf('3.16.0', ['bot-command'])]), 'upstream')).toContain('postgres');
    expect(slotsForPlan(plan, 'twin')).not.toContain('postgres-pgvector');
  });

  it('rejects a 4.x stack on a Postgres image without pgvector before anything starts; accepts a pgvector mirror', () => {
    let error: unknown;
    try {
      specsOf(plan, 'upstream', { EVOCHAT_IMAGE_POSTGRES_PGVECTOR: 'postgres:16' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe('Chatwoot 4.0.4 needs Postgres with the pgvector extension; the postgres-pgvector image is postgres:16');
    const mirrored = specsOf(plan, 'upstream', { EVOCHAT_IMAGE_POSTGRES_PGVECTOR: 'registry.example/pgvector/pgvector:pg16' });
    expect(named(mirrored, '-postgres', 'chatwoot-4.0.4-local')?.image).toBe('registry.example/pgvector/pgvector:pg16');
  });

  it('runs the twin without Postgres, and presets its PlatformApp', () => {
    const twin = specsOf(plan, 'twin');
    expect(twin.map((spec) => spec.role)).not.toContain('postgres');
    expect(named(twin, '-rails', 'chatwoot-4.0.4-local')?.env[PLATFORM_TOKEN_ENV]).toBe(TEST_SECRETS.platformToken);
  });
});
