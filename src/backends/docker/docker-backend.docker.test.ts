/**
 * End to end against a real Docker engine with the twin images: one minio cell, started through the very
 * specs the upstream images use. Skips without an engine, except under CI (test-support/docker-gate.ts).
 */
import { access, readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatwootClient } from '../../clients/chatwoot-client.ts';
import { EvolutionClient } from '../../clients/evolution-client.ts';
import { waitFor } from '../../common/wait-for.ts';
import { cellId } from '../../model/axes.ts';
import { planRun } from '../../matrix/plan.ts';
import type { CellStack } from '../../stack/stack.ts';
import type { StartedEnvironment } from '../backend.ts';
import { listLabelledResources } from './cleanup.ts';
import { createDockerBackend } from './docker-backend.ts';
import { connectToEngine } from './engine.ts';
import { LABELS } from './labels.ts';
import { dockerGate, requireEngine } from './test-support/docker-gate.ts';
import { ensureTwinImages } from './twin-images/ensure-twin-images.ts';

const gate = await dockerGate('docker backend end-to-end tests');
const key = { chatwoot: '3.8.0', evolution: '1.7.4', storage: 'minio' } as const;
const CELL = cellId(key);

describe.runIf(gate.run)('docker backend with twin images (one minio cell)', () => {
  const runId = `e2e-${Date.now().toString(36)}`;
  let artifactsDir: string;
  let environment: StartedEnvironment;
  let stack: CellStack;

  beforeAll(async () => {
    requireEngine(gate);
    await ensureTwinImages();
    artifactsDir = await mkdtemp(join(tmpdir(), 'evochat-docker-e2e-'));
    const plan = planRun([{ ...key, id: CELL, suites: ['auth'] }]);
    environment = await createDockerBackend({ images: 'twin' }).start(plan, { runId, jobs: 2, artifactsDir });
    stack = environment.stacks.get(CELL)!;
  }, 600_000);

  afterAll(async () => {
    await environment?.stop();
    if (artifactsDir) await rm(artifactsDir, { recursive: true, force: true });
  }, 120_000);

  it('labels every container with the run and publishes ports on 127.0.0.1 only', async () => {
    const client = await connectToEngine();
    const containers = await client.container.dockerode.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.runId}=${runId}`] }) });
    // 3 proxies (Chatwoot front, Chatwoot storage, Evolution front) + S3 twin + Chatwoot twin + Evolution twin.
    expect(containers).toHaveLength(6);
    expect(environment.servicesStarted).toBe(6);
    for (const container of containers) {
      expect(container.Labels).toMatchObject({ [LABELS.managed]: 'true', [LABELS.runId]: runId, [LABELS.cells]: CELL });
      expect(container.Labels[LABELS.createdAt]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      for (const port of container.Ports.filter((p) => p.PublicPort)) expect(port.IP).toBe('127.0.0.1');
    }
    const resources = await listLabelledResources(client, { runId });
    expect(resources.filter((r) => r.kind === 'network')).toHaveLength(1);
  });

  it('serves the Chatwoot, Evolution and S3 twins with their upstream health routes', async () => {
    const api = await request(`${stack.chatwoot.url}/api`);
    expect(await api.body.json()).toMatchObject({ version: '3.8.0', data_services: 'ok', queue_services: 'ok' });
    const evolution = new EvolutionClient({ baseUrl: stack.evolution.url, apiKey: stack.evolution.apiKey });
    expect((await evolution.root()).version).toBe('1.7.4');
    const s3 = new S3Client({
      endpoint: stack.s3!.endpoint,
      region: stack.s3!.region,
      forcePathStyle: true,
      credentials: { accessKeyId: stack.s3!.accessKeyId, secretAccessKey: stack.s3!.secretAccessKey },
    });
    try {
      await expect(s3.send(new HeadBucketCommand({ Bucket: stack.s3!.bucket }))).resolves.toBeDefined();
    } finally {
      s3.destroy();
    }
    expect(stack).toMatchObject({ backend: 'docker', images: 'twin', chatwootVersion: '3.8.0', evolutionVersion: '1.7.4' });
    expect(stack.capabilities).toEqual(['evidence', 'writes', 'whatsappPeer', 's3Inspect']);
    expect(stack.whatsappControlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/__twin\/whatsapp$/);
  });

  it("reaches the storage endpoint Chatwoot signs URLs for from the host and from Evolution's network", async () => {
    const url = `${stack.s3!.endpointFromChatwoot}/minio/health/live`;
    const fromHost = await request(url);
    await fromHost.body.dump();
    expect(fromHost.statusCode).toBe(200);
    const probe = await request(`${stack.evolutionSideProbeUrl}/__evochat/probe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    });
    expect(await probe.body.json()).toMatchObject({ status: 200 });
  });

  it('lets Evolution bootstrap its inbox in Chatwoot across the network, and records both links for the cell', async () => {
    const instance = `${stack.instancePrefix}e2e`;
    const evolution = new EvolutionClient({ baseUrl: stack.evolution.url, apiKey: stack.evolution.apiKey });
    const chatwoot = new ChatwootClient({ baseUrl: stack.chatwoot.url, accountId: stack.chatwoot.accountId, token: stack.chatwoot.token });
    const created = await evolution.createInstance(instance, {
      accountId: stack.chatwoot.accountId,
      token: stack.chatwoot.token,
      url: stack.chatwoot.urlFromEvolution,
    });
    expect(created.instance.instanceName).toBe(instance);
    const inbox = await waitFor(() => chatwoot.inboxNamed(instance), { timeoutMs: 20_000, intervalMs: 250, description: `inbox ${instance}` });
    expect(inbox.name).toBe(instance);
    // The init message Evolution posts makes Chatwoot call the inbox webhook: SERVER_URL on the run network.
    const exchanges = await waitFor(
      async () => {
        const evidence = await environment.collectEvidence(CELL);
        const webhook = evidence.exchanges.some((e) => e.link === 'chatwoot->evolution' && e.request.url.includes(`/chatwoot/webhook/${instance}`));
        return webhook ? evidence.exchanges : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500, description: 'the chatwoot->evolution webhook exchange' },
    );
    expect(exchanges.some((e) => e.link === 'evolution->chatwoot' && /\/api\/v1\/accounts\/\d+\/inboxes/.test(e.request.url))).toBe(true);
    // Tokens are redacted in what the evidence returns.
    expect(JSON.stringify(exchanges)).not.toContain(stack.chatwoot.token);
  }, 60_000);

  it("writes each container's log into the cell's artifacts, redacted", async () => {
    const evidence = await environment.collectEvidence(CELL);
    expect(Object.keys(evidence.logFiles).sort()).toEqual([
      'chatwoot-3-8-0-minio-proxy',
      'chatwoot-3-8-0-minio-rails',
      'chatwoot-3-8-0-minio-storage-proxy',
      'evolution-1-7-4-app',
      'evolution-1-7-4-proxy',
      's3-minio',
    ]);
    const rails = await readFile(join(artifactsDir, evidence.logFiles['chatwoot-3-8-0-minio-rails']!), 'utf8');
    expect(rails).toContain('Chatwoot twin 3.8.0');
    expect(evidence.logs.map((log) => log.service)).toEqual(expect.arrayContaining(['chatwoot-3.8.0-minio', 'evolution-1.7.4']));
    const images = environment.imagesFor(CELL);
    expect(Object.keys(images)).toEqual(expect.arrayContaining(['localhost/evochat-twin/chatwoot:3.8.0', 'localhost/evochat-twin/evolution:1.7.4']));
    for (const digest of Object.values(images)) expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('removes every container and the network on stop, also when stop is called twice at once', async () => {
    const logFile = join(artifactsDir, 'cells', CELL, 'logs', 'evolution-1-7-4-app.log');
    await Promise.all([environment.stop(), environment.stop()]);
    await environment.stop();
    const client = await connectToEngine();
    expect(await listLabelledResources(client, { runId })).toEqual([]);
    await expect(access(logFile)).resolves.toBeUndefined();
  }, 60_000);
});
