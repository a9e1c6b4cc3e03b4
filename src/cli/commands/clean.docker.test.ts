/**
 * `clean` against a real engine: it removes only runs whose owner process is gone. Owners are real child
 * processes; every run id is unique to this test and clean is limited to them (other runs on the engine,
 * other helpers' tests included, are never touched). Skips without an engine, except under CI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listLabelledResources } from '../../backends/docker/cleanup.ts';
import { DockerRun } from '../../backends/docker/docker-run.ts';
import { connectToEngine } from '../../backends/docker/engine.ts';
import { runLabels } from '../../backends/docker/labels.ts';
import { proxySpecs } from '../../backends/docker/specs/plan-specs.ts';
import { testSpecContext } from '../../backends/docker/specs/test-context.ts';
import { dockerGate, requireEngine } from '../../backends/docker/test-support/docker-gate.ts';
import { ensureTwinImages } from '../../backends/docker/twin-images/ensure-twin-images.ts';
import { ownerOf, type OwnerIdentity } from '../../common/process-identity.ts';
import { planRun } from '../../matrix/plan.ts';
import { cleanCommand } from './clean.ts';

const gate = await dockerGate('clean against a real engine');

function holdProcess(): { child: ChildProcess; exited: Promise<void> } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
  return { child, exited: new Promise((resolve) => child.once('exit', () => resolve())) };
}

describe.runIf(gate.run)('clean: docker resources by owner', () => {
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const ids = { live: `cl-live-${tag}`, dead: `cl-dead-${tag}`, reused: `cl-reused-${tag}`, oldFormatYoung: `cl-young-${tag}`, oldFormatOld: `cl-old-${tag}` };
  const onlyRunIds = Object.values(ids);
  const runs: DockerRun[] = [];
  let owner: { child: ChildProcess; exited: Promise<void> };
  let tempRoot: string;
  let artifactsDir: string;
  const client = () => connectToEngine();

  async function createRun(runId: string, labels: Record<string, string>, withContainer = false): Promise<void> {
    const run = new DockerRun({ client: await client(), runId, labels, artifactsDir });
    runs.push(run);
    await run.createNetwork();
    if (withContainer) {
      const context = { ...testSpecContext('twin'), runId, runLabels: labels };
      const proxy = proxySpecs(planRun([{ id: 'c', chatwoot: '3.7.0', evolution: '1.7.5', storage: 'local', suites: ['auth'] }]), context).get(
        'evolution-1.7.5',
      )!.front!;
      await run.start(proxy);
    }
  }

  const states = async () =>
    Object.fromEntries(
      await Promise.all(Object.entries(ids).map(async ([key, runId]) => [key, (await listLabelledResources(await client(), { runId })).length] as const)),
    );

  beforeAll(async () => {
    requireEngine(gate);
    await ensureTwinImages();
    tempRoot = await mkdtemp(join(tmpdir(), 'clean-docker-temp-'));
    artifactsDir = await mkdtemp(join(tmpdir(), 'clean-docker-artifacts-'));
    owner = holdProcess();
    const doomed = holdProcess();
    const doomedOwner: OwnerIdentity = ownerOf(doomed.child.pid!);
    const liveOwner = ownerOf(owner.child.pid!);
    const now = new Date();
    await Promise.all([
      createRun(ids.live, runLabels(ids.live, now, liveOwner), true),
      createRun(ids.dead, runLabels(ids.dead, now, doomedOwner)),
      // The live child's pid, but recorded with another start time: what a pid reused after the owner died looks like.
      createRun(ids.reused, runLabels(ids.reused, now, { host: hostname(), pid: owner.child.pid!, start: `${liveOwner.start}-before-reuse` })),
      createRun(ids.oldFormatYoung, runLabels(ids.oldFormatYoung, now)),
      createRun(ids.oldFormatOld, runLabels(ids.oldFormatOld, new Date(now.getTime() - 48 * 3600_000))),
    ]);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
  }, 600_000);

  afterAll(async () => {
    owner?.child.kill('SIGKILL');
    await Promise.all(runs.map((run) => run.teardown()));
    if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
    if (artifactsDir) await rm(artifactsDir, { recursive: true, force: true });
  }, 120_000);

  it('a dry run lists what would go and what is kept, and why, and removes nothing', async () => {
    const lines: string[] = [];
    expect(await cleanCommand({ dryRun: true, tempRoot, onlyRunIds, out: (line) => lines.push(line) })).toBe(0);
    const about = (runId: string) => lines.filter((line) => line.includes(`run=${runId} `));
    expect(about(ids.live)).toHaveLength(2);
    for (const line of about(ids.live)) expect(line).toMatch(/^kept .* — owner pid \d+ is running: a live run \(--force removes it\)$/);
    expect(about(ids.live).some((line) => line.includes('state=running'))).toBe(true);
    expect(about(ids.dead)).toEqual([expect.stringMatching(/^would remove network .* — owner pid \d+ is gone$/)]);
    expect(about(ids.reused)).toEqual([expect.stringMatching(/^would remove network .* — owner pid \d+ is gone \(its pid now belongs to another process\)$/)]);
    expect(about(ids.oldFormatYoung)).toEqual([
      expect.stringMatching(/^kept network .* — no owner recorded \(older format\), only \d+ (s|min) old: kept until 24 h old/),
    ]);
    expect(about(ids.oldFormatOld)).toEqual([expect.stringMatching(/^would remove network .* — no owner recorded \(older format\), 2 d old \(over 24 h\)$/)]);
    expect(await states()).toEqual({ live: 2, dead: 1, reused: 1, oldFormatYoung: 1, oldFormatOld: 1 });
  }, 60_000);

  it('removes the runs whose owner is gone, and keeps the live run running', async () => {
    const lines: string[] = [];
    expect(await cleanCommand({ tempRoot, onlyRunIds, out: (line) => lines.push(line) })).toBe(0);
    expect(await states()).toEqual({ live: 2, dead: 0, reused: 0, oldFormatYoung: 1, oldFormatOld: 0 });
    const container = (await listLabelledResources(await client(), { runId: ids.live })).find((resource) => resource.kind === 'container');
    expect(container?.state).toBe('running');
    expect(lines.filter((line) => line.startsWith('removed '))).toHaveLength(3);
  }, 60_000);

  it("--force removes every labelled resource, the live run's too", async () => {
    expect(await cleanCommand({ force: true, tempRoot, onlyRunIds, out: () => undefined })).toBe(0);
    expect(await states()).toEqual({ live: 0, dead: 0, reused: 0, oldFormatYoung: 0, oldFormatOld: 0 });
  }, 60_000);
});
