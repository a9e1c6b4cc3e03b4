/**
 * Failure paths against a real engine: a container that fails its wait leaves its logs and nothing else,
 * and `clean` removes what earlier runs left behind, by label and age. Skips without an engine, except under CI.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanCommand } from '../../cli/commands/clean.ts';
import { ErrorCodes, HarnessError } from '../../errors/index.ts';
import { listLabelledResources } from './cleanup.ts';
import { DockerRun } from './docker-run.ts';
import { connectToEngine } from './engine.ts';
import { runLabels } from './labels.ts';
import type { ContainerSpec } from './specs/container-spec.ts';
import { planRun } from '../../matrix/plan.ts';
import { proxySpecs } from './specs/plan-specs.ts';
import { testSpecContext } from './specs/test-context.ts';
import { spawn } from 'node:child_process';
import { startRunWatchdog } from './run-reaper.ts';
import { dockerGate, requireEngine } from './test-support/docker-gate.ts';
import { waitFor } from '../../common/wait-for.ts';
import { ensureTwinImages } from './twin-images/ensure-twin-images.ts';

const gate = await dockerGate('docker run lifecycle tests');

/** The Evolution twin with a LOG_LEVEL it refuses: it exits at once, so its HTTP wait fails. */
function brokenEvolution(runId: string): ContainerSpec {
  return {
    name: 'broken-evolution',
    serviceId: 'evolution-1.7.4',
    role: 'evolution',
    slot: 'evolution@1.7.4',
    image: 'localhost/evochat-twin/evolution:1.7.4',
    command: ['node', './dist/src/main.js'],
    env: { LOG_LEVEL: 'LOUD', AUTHENTICATION_API_KEY: 'secret-api-key-1234' },
    networkAliases: ['broken-evolution'],
    exposedPorts: [8080],
    wait: { kind: 'http', path: '/', port: 8080, status: 200, timeoutMs: 30_000 },
    dependsOn: [],
    labels: { ...runLabels(runId, new Date()), 'evochat.service': 'evolution-1.7.4', 'evochat.role': 'evolution', 'evochat.cells': 'cell-a,cell-b' },
    oneShot: false,
  };
}

describe.runIf(gate.run)('docker run lifecycle', () => {
  let artifactsDir: string;

  beforeAll(async () => {
    requireEngine(gate);
    await ensureTwinImages();
    artifactsDir = await mkdtemp(join(tmpdir(), 'evochat-docker-run-'));
  }, 600_000);

  afterAll(async () => {
    if (artifactsDir) await rm(artifactsDir, { recursive: true, force: true });
  });

  it('keeps the logs of a container that fails its wait, in every cell it serves, and leaves nothing running', async () => {
    const client = await connectToEngine();
    const runId = `fail-${Date.now().toString(36)}`;
    const run = new DockerRun({
      client,
      runId,
      labels: runLabels(runId, new Date()),
      artifactsDir,
      redact: (line) => line.replaceAll('secret-api-key-1234', '[REDACTED]'),
    });
    await run.createNetwork();
    const failure = await run.start(brokenEvolution(runId)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HarnessError);
    expect((failure as HarnessError).code).toBe(ErrorCodes.serviceStart);
    expect((failure as HarnessError).message).toContain('broken-evolution');
    expect((failure as HarnessError).details.lastLines).toEqual(expect.arrayContaining([expect.stringContaining('LOG_LEVEL')]));
    for (const cell of ['cell-a', 'cell-b']) {
      const log = await readFile(join(artifactsDir, 'cells', cell, 'logs', 'broken-evolution.log'), 'utf8');
      expect(log).toContain('LOG_LEVEL');
    }
    const report = await run.teardown();
    expect(report.failed).toEqual([]);
    expect(await listLabelledResources(client, { runId })).toEqual([]);
  }, 120_000);

  it('refuses to start containers once teardown began, and teardown is shared by concurrent callers', async () => {
    const client = await connectToEngine();
    const runId = `stop-${Date.now().toString(36)}`;
    const labels = runLabels(runId, new Date());
    const run = new DockerRun({ client, runId, labels, artifactsDir });
    await run.createNetwork();
    const context = { ...testSpecContext('twin'), runId, runLabels: labels };
    const proxy = proxySpecs(planRun([{ id: 'c', chatwoot: '3.7.0', evolution: '1.7.5', storage: 'local', suites: ['auth'] }]), context).get(
      'evolution-1.7.5',
    )!.front!;
    const starting = run.start(proxy).catch((error: unknown) => error);
    const [first, second] = [run.teardown(), run.teardown()];
    expect(first).toBe(second);
    await first;
    const outcome = await starting;
    expect(outcome).toBeInstanceOf(HarnessError);
    expect((outcome as HarnessError).code).toBe(ErrorCodes.interrupted);
    await expect(run.start(proxy)).rejects.toMatchObject({ code: ErrorCodes.interrupted });
    expect(await listLabelledResources(client, { runId })).toEqual([]);
  }, 120_000);

  it('clean removes what an earlier run left behind, by label and age, and a dry run only lists it', async () => {
    const client = await connectToEngine();
    const oldRun = `old-${Date.now().toString(36)}`;
    const freshRun = `fresh-${Date.now().toString(36)}`;
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const leftover = new DockerRun({ client, runId: oldRun, labels: runLabels(oldRun, twoHoursAgo), artifactsDir });
    await leftover.createNetwork();
    const context = { ...testSpecContext('twin'), runId: oldRun, runLabels: runLabels(oldRun, twoHoursAgo) };
    const proxy = proxySpecs(planRun([{ id: 'c', chatwoot: '3.7.0', evolution: '1.7.5', storage: 'local', suites: ['auth'] }]), context).get(
      'evolution-1.7.5',
    )!.front!;
    await leftover.start(proxy);
    const fresh = new DockerRun({ client, runId: freshRun, labels: runLabels(freshRun, new Date()), artifactsDir });
    await fresh.createNetwork();
    try {
      const lines: string[] = [];
      // Only these two runs and no real temp folders: what other tests left is not this test's to remove.
      const onlyRunIds = [oldRun, freshRun];
      const tempRoot = artifactsDir;
      expect(await cleanCommand({ olderThan: '60', dryRun: true, onlyRunIds, tempRoot, out: (line) => lines.push(line) })).toBe(0);
      expect(lines.filter((line) => line.includes(oldRun))).toHaveLength(2);
      expect(lines.filter((line) => line.includes(freshRun))).toEqual([expect.stringMatching(/^kept .*--older-than 60 min/)]);
      expect(await listLabelledResources(client, { runId: oldRun })).toHaveLength(2);

      lines.length = 0;
      expect(await cleanCommand({ olderThan: '60', onlyRunIds, tempRoot, out: (line) => lines.push(line) })).toBe(0);
      expect(lines.filter((line) => line.startsWith('removed') && line.includes(oldRun))).toHaveLength(2);
      expect(await listLabelledResources(client, { runId: oldRun })).toEqual([]);
      expect(await listLabelledResources(client, { runId: freshRun })).toHaveLength(1);
    } finally {
      await leftover.teardown();
      await fresh.teardown();
    }
  }, 120_000);

  it("the run watchdog removes a run's containers and network once the process it watches is gone", async () => {
    const client = await connectToEngine();
    const runId = `reap-${Date.now().toString(36)}`;
    const labels = runLabels(runId, new Date());
    const orphaned = new DockerRun({ client, runId, labels, artifactsDir });
    await orphaned.createNetwork();
    const context = { ...testSpecContext('twin'), runId, runLabels: labels };
    const proxy = proxySpecs(planRun([{ id: 'c', chatwoot: '3.7.0', evolution: '1.7.5', storage: 'local', suites: ['auth'] }]), context).get(
      'evolution-1.7.5',
    )!.front!;
    await orphaned.start(proxy);
    expect(await listLabelledResources(client, { runId })).toHaveLength(2);
    // A stand-in for the harness process: the watchdog acts only once it is gone.
    const owner = spawn('sleep', ['2'], { stdio: 'ignore' });
    startRunWatchdog(runId, { watchPid: owner.pid! });
    await new Promise((resolve) => owner.on('exit', resolve));
    await waitFor(async () => (await listLabelledResources(client, { runId })).length === 0, {
      timeoutMs: 60_000,
      intervalMs: 500,
      description: `run ${runId} reaped`,
    });
  }, 120_000);

  it('a watchdog whose run stopped normally does nothing', async () => {
    const client = await connectToEngine();
    const runId = `kept-${Date.now().toString(36)}`;
    const run = new DockerRun({ client, runId, labels: runLabels(runId, new Date()), artifactsDir });
    await run.createNetwork();
    const owner = spawn('sleep', ['1'], { stdio: 'ignore' });
    const watchdog = startRunWatchdog(runId, { watchPid: owner.pid! });
    expect(watchdog.pid).toBeGreaterThan(0);
    watchdog.stop();
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor(() => !alive(watchdog.pid!), { timeoutMs: 10_000, description: 'the stopped watchdog to exit' });
    await new Promise((resolve) => owner.on('exit', resolve));
    expect(await listLabelledResources(client, { runId })).toHaveLength(1);
    await run.teardown();
  }, 60_000);
});
