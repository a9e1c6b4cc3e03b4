/**
 * Stack wiring without Docker: from started containers (faked handles with host URLs) to each cell's CellStack,
 * for the shared plan and for a naive plan where every cell has its own store and latency proxy.
 */
import { describe, expect, it } from 'vitest';
import { planRun } from '../../matrix/plan.ts';
import type { PlannedCell, PlannedService, RunPlan } from '../../matrix/plan-types.ts';
import { naivePlan } from '../../../scripts/naive-plan.ts';
import { DockerEnvironment } from './docker-environment.ts';
import type { DockerRun } from './docker-run.ts';
import { buildStack, collectRuntimes } from './docker-stacks.ts';
import { allProxySpecs, proxySpecs, serviceSpecs, storeServiceOf } from './specs/plan-specs.ts';
import { TEST_SECRETS, testSpecContext } from './specs/test-context.ts';

const cells: PlannedCell[] = [
  { id: 'cell-a', chatwoot: '3.8.0', evolution: '1.7.4', storage: 'minio', suites: ['config-faults'] },
  { id: 'cell-b', chatwoot: '3.8.0', evolution: '1.7.5', storage: 'minio', suites: ['config-faults'] },
];

/** Starts nothing: every spec gets a fake handle whose host URL names the container. */
function wire(plan: RunPlan, kind: 'twin' | 'upstream') {
  const context = testSpecContext(kind);
  const proxies = proxySpecs(plan, context);
  const proxyList = allProxySpecs(proxies);
  const addresses = new Map(proxyList.map((spec, index) => [spec.name, `10.0.0.${index + 2}`]));
  const services = serviceSpecs(plan, context, proxies, addresses);
  const handles = new Map<string, { hostUrl(port: number): string }>();
  for (const spec of [...proxyList, ...[...services.values()].flatMap((entry) => entry.specs)]) {
    handles.set(spec.name, { hostUrl: (port) => `http://host/${spec.name}:${port}` });
  }
  const run = { handles } as unknown as DockerRun;
  const env = new DockerEnvironment(kind, plan, TEST_SECRETS, { runId: 'r', jobs: 2, artifactsDir: '/tmp/unused' });
  const storeUrl = (service: PlannedService) => {
    const store = storeServiceOf(plan, service);
    return store ? `http://host/${store.id}-minio` : undefined;
  };
  collectRuntimes(env, run, proxies, services, storeUrl);
  let accountId = 0;
  for (const runtime of env.chatwoots.values()) {
    const accounts = new Map(
      runtime.service.cells.map((cellId) => [
        cellId,
        { url: runtime.url, urlFromEvolution: runtime.urlFromEvolution, accountId: ++accountId, token: 't', locale: 'en' as const },
      ]),
    );
    runtime.accounts = { accounts, ptBr: undefined, remove: () => Promise.resolve() };
  }
  return {
    env,
    stack: (cellId: string) =>
      buildStack(
        env,
        plan.cells.find((cell) => cell.id === cellId)!,
        `http://hub/${cellId}`,
      ),
  };
}

describe('buildStack', () => {
  it("gives each cell of a shared plan the shared Chatwoot's proxy, its own account and the shared latency control", () => {
    const { stack } = wire(planRun(cells), 'twin');
    const a = stack('cell-a');
    const b = stack('cell-b');
    expect(a.chatwoot.url).toBe('http://host/chatwoot-3-8-0-minio-proxy:3000');
    expect(a.chatwoot.urlFromEvolution).toBe('http://chatwoot-3-8-0-minio:3000');
    expect(a.chatwoot.accountId).not.toBe(b.chatwoot.accountId);
    expect(a.evolution.serverUrl).toBe('http://evolution-1-7-4:8080');
    expect(b.evolution.serverUrl).toBe('http://evolution-1-7-5:8080');
    expect(a.faults.trailingSlashEvolution?.serverUrl).toBe('http://evolution-1-7-4-trailing-slash-server-url:8080/');
    expect(a.faults.slowStorage?.latencyControlUrl).toBe('http://host/storage-latency-proxy-proxy:9000/__evochat/latency');
    expect(b.faults.slowStorage?.latencyControlUrl).toBe(a.faults.slowStorage?.latencyControlUrl);
    expect(a.s3).toMatchObject({
      endpoint: 'http://host/s3-minio',
      endpointFromChatwoot: expect.stringMatching(/^http:\/\/10\.0\.0\.\d+:9000$/),
      bucket: 'chatwoot-3-8-0-minio',
    });
    expect(a.capabilities).toEqual(['evidence', 'writes', 'whatsappPeer', 's3Inspect', 'storageLatency']);
    expect(a.whatsappControlUrl).toBe('http://host/evolution-1-7-4-app:8080/__twin/whatsapp');
    expect(a.evolutionSideProbeUrl).toBe('http://host/evolution-1-7-4-proxy:8080');
  });

  it('gives each cell of a naive plan its own object store and its own latency proxy', () => {
    const { stack } = wire(naivePlan(cells), 'twin');
    const a = stack('cell-a');
    const b = stack('cell-b');
    expect(a.s3?.endpoint).toBe('http://host/s3-c1-minio');
    expect(b.s3?.endpoint).toBe('http://host/s3-c2-minio');
    expect(a.faults.slowStorage?.latencyControlUrl).toBe('http://host/storage-latency-proxy-c1-proxy:9000/__evochat/latency');
    expect(b.faults.slowStorage?.latencyControlUrl).toBe('http://host/storage-latency-proxy-c2-proxy:9000/__evochat/latency');
    expect(b.faults.slowStorage?.s3.endpoint).toBe('http://host/s3-c2-minio');
  });

  it('never gives an upstream stack a simulated WhatsApp', () => {
    const { stack } = wire(planRun(cells), 'upstream');
    expect(stack('cell-a').whatsappControlUrl).toBeUndefined();
    expect(stack('cell-a').capabilities).not.toContain('whatsappPeer');
  });
});
