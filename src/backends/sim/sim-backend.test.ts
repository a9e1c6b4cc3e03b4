import net from 'node:net';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { ChatwootClient } from '../../clients/chatwoot-client.ts';
import { EvolutionClient } from '../../clients/evolution-client.ts';
import { EvidenceClient } from '../../clients/evidence-client.ts';
import { REDACTED } from '../../common/redact.ts';
import { planRun } from '../../matrix/plan.ts';
import type { CellStack } from '../../stack/stack.ts';
import type { StartedEnvironment } from '../backend.ts';
import { createSimBackend } from './sim-backend.ts';

const CELL = { id: 'cw3.8.0-evo1.7.4-minio', chatwoot: '3.8.0', evolution: '1.7.4', storage: 'minio', suites: ['auth', 'config-faults'] } as const;

function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

function urlsOf(stack: CellStack): string[] {
  return [
    stack.chatwoot.url,
    stack.chatwootPtBr!.url,
    stack.evolution.url,
    stack.s3!.endpoint,
    stack.s3!.endpointFromChatwoot,
    stack.evidenceUrl!,
    stack.whatsappControlUrl!,
    stack.faults.trailingSlashEvolution!.url,
    stack.faults.unreachableEvolution!.url,
    stack.faults.slowStorage!.chatwoot.url,
    stack.faults.slowStorage!.s3.endpointFromChatwoot,
    stack.faults.slowStorage!.latencyControlUrl,
  ];
}

describe('sim backend', () => {
  let dir: string;
  let env: StartedEnvironment;
  let stack: CellStack;
  const plan = planRun([{ ...CELL, suites: [...CELL.suites] }]);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sim-backend-'));
    env = await createSimBackend().start(plan, { runId: 'sim-test', jobs: 3, artifactsDir: dir });
    stack = env.stacks.get(CELL.id)!;
  });
  afterAll(async () => {
    await env?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts every planned service and describes the cell', () => {
    expect(env.backend).toBe('sim');
    expect(env.servicesStarted).toBe(plan.services.length);
    expect(Object.keys(env.phases)).toEqual(expect.arrayContaining(['start', 'bootstrap']));
    expect(stack).toMatchObject({
      cellId: CELL.id,
      backend: 'sim',
      chatwootVersion: '3.8.0',
      evolutionVersion: '1.7.4',
      storage: 'minio',
      instancePrefix: 'c380e174minio-',
    });
    expect(stack.capabilities).toEqual(['evidence', 'writes', 'whatsappPeer', 's3Inspect', 'storageLatency']);
    expect(stack.faults.trailingSlashEvolution?.serverUrl).toMatch(/\/$/);
    expect(env.imagesFor(CELL.id)).toMatchObject({ chatwoot: 'chatwoot twin 3.8.0 (sim)', evolution: 'evolution twin 1.7.4 (sim)' });
  });

  it('bootstraps a Chatwoot account per cell and a shared pt_BR one', async () => {
    expect(stack.chatwoot.locale).toBe('en');
    expect(stack.chatwootPtBr?.locale).toBe('pt_BR');
    expect(stack.chatwootPtBr?.accountId).not.toBe(stack.chatwoot.accountId);
    const chatwoot = new ChatwootClient({ baseUrl: stack.chatwoot.url, accountId: stack.chatwoot.accountId, token: stack.chatwoot.token });
    expect(await chatwoot.inboxes()).toEqual([]);
    const evolution = new EvolutionClient({ baseUrl: stack.evolution.url, apiKey: stack.evolution.apiKey });
    expect((await evolution.root()).version).toBe('1.7.4');
  });

  it('points the unreachable variant at a port where nothing listens', async () => {
    expect(await refused(stack.faults.unreachableEvolution!.serverUrl)).toBe(true);
  });

  it('records the harness traffic per cell, redacted, and writes the logs', async () => {
    const since = Date.now();
    const chatwoot = new ChatwootClient({ baseUrl: stack.chatwoot.url, accountId: stack.chatwoot.accountId, token: stack.chatwoot.token });
    await chatwoot.inboxes();
    const viaHttp = await new EvidenceClient(stack.evidenceUrl!).exchanges({ since, link: 'harness->chatwoot' });
    expect(viaHttp.map((e) => e.request.url)).toContain(`/api/v1/accounts/${stack.chatwoot.accountId}/inboxes`);

    const evidence = await env.collectEvidence(CELL.id);
    const exchange = evidence.exchanges.find((e) => e.request.url === `/api/v1/accounts/${stack.chatwoot.accountId}/inboxes`)!;
    expect(exchange.request.headers.api_access_token).toBe(REDACTED);
    expect(JSON.stringify(evidence)).not.toContain(stack.chatwoot.token);
    expect(evidence.logs.map((log) => log.service)).toEqual(expect.arrayContaining(['chatwoot-3.8.0-minio', 'evolution-1.7.4']));
    const chatwootLog = evidence.logFiles['chatwoot-3.8.0-minio']!;
    await expect(access(join(dir, chatwootLog))).resolves.toBeUndefined();
  });

  it('stops everything, idempotently, leaving no listening port', async () => {
    const urls = urlsOf(stack);
    await env.stop();
    await env[Symbol.asyncDispose]();
    const results = await Promise.all(urls.map(async (url) => [url, await refused(url)] as const));
    expect(results.filter(([, isRefused]) => !isRefused)).toEqual([]);
    const after = await request(`${stack.chatwoot.url}/api`).catch((error: unknown) => error);
    expect(after).toBeInstanceOf(Error);
  });
});
