/**
 * The upstream code path (`images: 'upstream'`) against a real engine, with every upstream slot overridden
 * (EVOCHAT_IMAGE_*) by a local image, since the real ones cannot be pulled here: the Chatwoot twin plays
 * rails, db prepare and sidekiq with upstream's commands; placeholders play Postgres and Redis. This runs the
 * upstream topology and its order (postgres + redis → prepare (one-shot) → rails + sidekiq), the log and
 * one-shot waits, the pull check, and the capabilities an upstream stack gets. Skips without an engine, except under CI.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellId } from '../../model/axes.ts';
import { planRun } from '../../matrix/plan.ts';
import type { StartedEnvironment } from '../backend.ts';
import { listLabelledResources } from './cleanup.ts';
import { createDockerBackend } from './docker-backend.ts';
import { connectToEngine } from './engine.ts';
import { overrideEnvName, PLACEHOLDER_IMAGES, TWIN_IMAGES } from './images.ts';
import { dockerGate, requireEngine } from './test-support/docker-gate.ts';
import { ensureTwinImages } from './twin-images/ensure-twin-images.ts';

const gate = await dockerGate('docker upstream-topology tests');
const key = { chatwoot: '3.7.0', evolution: '1.7.5', storage: 'local' } as const;
const CELL = cellId(key);

const OVERRIDES: Record<string, string> = {
  [overrideEnvName('chatwoot@3.7.0')]: TWIN_IMAGES['chatwoot@3.7.0'],
  [overrideEnvName('evolution@1.7.5')]: TWIN_IMAGES['evolution@1.7.5'],
  [overrideEnvName('postgres')]: PLACEHOLDER_IMAGES.postgres,
  [overrideEnvName('redis')]: PLACEHOLDER_IMAGES.redis,
};

describe.runIf(gate.run)('upstream topology on local images (overrides)', () => {
  const runId = `upstream-${Date.now().toString(36)}`;
  const ready: string[] = [];
  const saved = new Map<string, string | undefined>();
  let artifactsDir: string;
  let environment: StartedEnvironment;

  beforeAll(async () => {
    requireEngine(gate);
    await ensureTwinImages();
    for (const [name, value] of Object.entries(OVERRIDES)) {
      saved.set(name, process.env[name]);
      process.env[name] = value;
    }
    artifactsDir = await mkdtemp(join(tmpdir(), 'evochat-upstream-topology-'));
    const plan = planRun([{ ...key, id: CELL, suites: ['auth'] }]);
    environment = await createDockerBackend({ images: 'upstream' }).start(plan, {
      runId,
      jobs: 4,
      artifactsDir,
      onProgress: (event) => {
        const match = /^(\S+) ready$/.exec(event.message);
        if (event.phase === 'start' && match) ready.push(match[1]!);
      },
    });
  }, 600_000);

  afterAll(async () => {
    await environment?.stop();
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    if (artifactsDir) await rm(artifactsDir, { recursive: true, force: true });
  }, 120_000);

  it('starts Postgres and Redis, then the one-shot db prepare, then rails and sidekiq', () => {
    const at = (name: string) => {
      const index = ready.indexOf(name);
      expect(index, `${name} in ${ready.join(', ')}`).toBeGreaterThanOrEqual(0);
      return index;
    };
    const prepare = at('chatwoot-3-7-0-local-prepare');
    expect(at('chatwoot-3-7-0-local-postgres')).toBeLessThan(prepare);
    expect(at('chatwoot-3-7-0-local-redis')).toBeLessThan(prepare);
    expect(at('chatwoot-3-7-0-local-rails')).toBeGreaterThan(prepare);
    expect(at('chatwoot-3-7-0-local-sidekiq')).toBeGreaterThan(prepare);
    // The PlatformApp the cell accounts come from: after the migrations (one-shot, `rails runner`).
    expect(at('chatwoot-3-7-0-local-platform-app')).toBeGreaterThan(prepare);
    // 2 proxies + postgres, redis, prepare, platform-app, rails, sidekiq + Evolution.
    expect(environment.servicesStarted).toBe(9);
  });

  it('removes the finished db prepare container but keeps its log', async () => {
    const client = await connectToEngine();
    const containers = await client.container.dockerode.listContainers({ all: true, filters: JSON.stringify({ label: [`evochat.run-id=${runId}`] }) });
    expect(containers.map((c) => c.Labels['evochat.role']).sort()).toEqual([
      'chatwoot-rails',
      'chatwoot-sidekiq',
      'evolution',
      'postgres',
      'recording-proxy',
      'recording-proxy',
      'redis',
    ]);
    const log = await readFile(join(artifactsDir, 'cells', CELL, 'logs', 'chatwoot-3-7-0-local-prepare.log'), 'utf8');
    expect(log).toContain('db:chatwoot_prepare');
  });

  it('serves Chatwoot through its proxy and gives an upstream stack no simulated WhatsApp', async () => {
    const stack = environment.stacks.get(CELL)!;
    const api = await request(`${stack.chatwoot.url}/api`);
    expect(await api.body.json()).toMatchObject({ version: '3.7.0', data_services: 'ok', queue_services: 'ok' });
    expect(stack.images).toBe('upstream');
    expect(stack.capabilities).not.toContain('whatsappPeer');
    expect(stack.whatsappControlUrl).toBeUndefined();
    expect(Object.keys(environment.imagesFor(CELL))).toEqual(
      expect.arrayContaining([PLACEHOLDER_IMAGES.postgres, PLACEHOLDER_IMAGES.redis, TWIN_IMAGES['chatwoot@3.7.0']]),
    );
  });

  it('leaves nothing behind after stop', async () => {
    await environment.stop();
    expect(await listLabelledResources(await connectToEngine(), { runId })).toEqual([]);
  });
});
