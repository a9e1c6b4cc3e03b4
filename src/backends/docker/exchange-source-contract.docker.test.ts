/**
 * The docker backend's exchange source (docker-backend.ts: cachedProxySource over the control API of a real
 * proxy container, twin image) under the same filter contract as the sim source. Skips without an engine,
 * except under CI (test-support/docker-gate.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteExchangeSource } from '../../evidence/remote-exchange-source.ts';
import { CONTRACT_CELLS, CONTRACT_CLASSIFIER, CONTRACT_LINK, describeExchangeSourceContract } from '../../evidence/test-support/exchange-source-contract.ts';
import { STATUS_UPSTREAM_SCRIPT } from '../../evidence/test-support/status-upstream.ts';
import { cachedProxySource } from './cached-exchange-source.ts';
import { DockerRun } from './docker-run.ts';
import { connectToEngine } from './engine.ts';
import { containerLabels, runLabels } from './labels.ts';
import type { ContainerSpec } from './specs/container-spec.ts';
import { proxySpec } from './specs/proxy-spec.ts';
import { testSpecContext } from './specs/test-context.ts';
import { dockerGate, requireEngine } from './test-support/docker-gate.ts';
import { NODE_PATH } from './twin-images/rootfs.ts';
import { ensureTwinImages } from './twin-images/ensure-twin-images.ts';

const gate = await dockerGate('docker exchange-source contract');

describeExchangeSourceContract(
  'docker (cached reader of a proxy container)',
  async () => {
    requireEngine(gate);
    await ensureTwinImages();
    const client = await connectToEngine();
    const runId = `contract-${process.pid}-${Date.now().toString(36)}`;
    const labels = runLabels(runId, new Date());
    const context = { ...testSpecContext('twin'), runId, runLabels: labels };
    const artifactsDir = await mkdtemp(join(tmpdir(), 'evochat-contract-'));
    const run = new DockerRun({ client, runId, labels, artifactsDir });
    try {
      await run.createNetwork();
      const image = context.images.resolve('proxy').requested;
      // The same upstream script as the sim test, in a container of the proxy twin image (it holds Node).
      const upstream: ContainerSpec = {
        name: 'status-upstream',
        serviceId: 'contract',
        role: 'recording-proxy',
        slot: 'proxy',
        image,
        entrypoint: [NODE_PATH, '-e', STATUS_UPSTREAM_SCRIPT],
        env: { PORT: '9000', HOST: '0.0.0.0' },
        networkAliases: ['status-upstream'],
        exposedPorts: [],
        wait: { kind: 'log', pattern: /status-upstream listening on 9000/, times: 1, timeoutMs: 30_000 },
        dependsOn: [],
        labels: containerLabels(labels, { serviceId: 'contract', role: 'status-upstream', cells: [] }),
        oneShot: false,
      };
      await run.start(upstream);
      const spec = proxySpec(
        {
          serviceId: 'contract',
          cells: [...CONTRACT_CELLS],
          name: 'contract-proxy',
          aliases: ['contract-proxy'],
          port: 8000,
          upstream: 'http://status-upstream:9000',
          kind: 'record',
          link: CONTRACT_LINK,
        },
        context,
      );
      const handle = await run.start(spec);
      const proxyUrl = handle.hostUrl(8000);
      return {
        source: cachedProxySource(createRemoteExchangeSource(spec.name, proxyUrl), {
          cells: CONTRACT_CELLS,
          classify: CONTRACT_CLASSIFIER,
          idPrefix: spec.name,
        }),
        proxyUrl,
        close: async () => {
          await run.teardown();
          await rm(artifactsDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      await run.teardown();
      await rm(artifactsDir, { recursive: true, force: true });
      throw error;
    }
  },
  { run: gate.run },
);
