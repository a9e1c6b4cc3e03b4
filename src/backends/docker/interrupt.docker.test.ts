/**
 * Signals to a real `run --backend docker --images twin` in a child process (the package bin): once it exits,
 * nothing labelled with its run id may remain (containers or network). Each run is held at a known point
 * (EVOCHAT_TEST_HOLD_AT, src/common/test-hold.ts) before the signal: while the services start (one container is
 * up, the others are being started) and while a scenario runs. Skips without an engine, except under CI.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../common/wait-for.ts';
import { killLeftover, startCli, type CliProcess } from '../../cli/test-support/cli-process.ts';
import { listLabelledResources } from './cleanup.ts';
import { connectToEngine } from './engine.ts';
import { dockerGate, requireEngine } from './test-support/docker-gate.ts';
import { ensureTwinImages } from './twin-images/ensure-twin-images.ts';
import { runDocker } from './twin-images/docker-cli.ts';

const gate = await dockerGate('docker signal tests');
const RUN = [
  'run',
  '--backend',
  'docker',
  '--images',
  'twin',
  '--chatwoot',
  '3.7.0,3.8.0',
  '--evolution',
  '1.7.5',
  '--storage',
  'local',
  '--suite',
  'bot-command',
];

/**
 * Everything of the run is gone: removed by the run's own teardown, or, if the process was ended first, by the
 * detached watchdog it started (run-reaper.ts), within seconds of the exit.
 */
async function expectNothingLeft(runId: string): Promise<void> {
  const client = await connectToEngine();
  await waitFor(async () => (await listLabelledResources(client, { runId })).length === 0, {
    timeoutMs: 60_000,
    intervalMs: 250,
    description: `no resources of ${runId}`,
  });
  // The same question as a user would ask it.
  const containers = await runDocker(['ps', '-a', '-q', '--filter', `label=evochat.run-id=${runId}`]);
  const networks = await runDocker(['network', 'ls', '-q', '--filter', `label=evochat.run-id=${runId}`]);
  expect(containers.stdout.trim()).toBe('');
  expect(networks.stdout.trim()).toBe('');
}

describe.runIf(gate.run)('signals during `run --backend docker --images twin`', () => {
  let outDir: string;
  let cli: CliProcess | undefined;

  beforeAll(async () => {
    requireEngine(gate);
    await ensureTwinImages();
    outDir = await mkdtemp(join(tmpdir(), 'evochat-docker-signals-'));
  }, 600_000);
  afterEach(() => killLeftover(cli));
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  /** Starts the run and returns its run id once it holds at `point`. */
  async function heldRun(name: string, point: 'service-started' | 'scenario'): Promise<{ cli: CliProcess; runId: string; out: string }> {
    const out = join(outDir, name);
    cli = startCli('bin', [...RUN, '--out', out], { EVOCHAT_TEST_HOLD_AT: point });
    const [, runId] = await cli.waitForStderr(/evochat\.run-id=(\S+)/, 300_000);
    await cli.waitForStderr(new RegExp(`evochat test hold: ${point} reached`), 300_000);
    return { cli, runId: runId!, out };
  }

  it('SIGINT while the services start (one container up, the rest starting) removes everything, exit 130', async () => {
    const run = await heldRun('during-start', 'service-started');
    run.cli.signal('SIGINT');
    expect((await run.cli.exit).code, run.cli.stderr()).toBe(130);
    expect(run.cli.stderr()).toContain('interrupted by SIGINT: services stopped');
    await expectNothingLeft(run.runId);
  }, 400_000);

  it('SIGINT while a scenario runs removes everything, exit 130; per-cell logs are under cells/<cell>/logs', async () => {
    const run = await heldRun('during-scenarios', 'scenario');
    run.cli.signal('SIGINT');
    expect((await run.cli.exit).code, run.cli.stderr()).toBe(130);
    await expectNothingLeft(run.runId);
    // The interrupted run's logs are kept beside the (absent) previous result, where the README says.
    const incomplete = join(run.out, `incomplete-${run.runId}`);
    expect(await readdir(join(incomplete, 'cells'))).toEqual(expect.arrayContaining(['cw3.7.0-evo1.7.5-local', 'cw3.8.0-evo1.7.5-local']));
    expect((await readdir(join(incomplete, 'cells', 'cw3.7.0-evo1.7.5-local', 'logs'))).length).toBeGreaterThan(0);
  }, 400_000);

  it('SIGTERM through the package bin removes everything, exit 3', async () => {
    const run = await heldRun('sigterm', 'scenario');
    run.cli.signal('SIGTERM');
    expect((await run.cli.exit).code, run.cli.stderr()).toBe(3);
    expect(run.cli.stderr()).toContain('interrupted by SIGTERM: services stopped');
    await expectNothingLeft(run.runId);
  }, 400_000);

  it('removes everything even when the process is killed right after the SIGINT, before its own teardown', async () => {
    const run = await heldRun('forced', 'service-started');
    run.cli.signal('SIGINT');
    await run.cli.waitForStderr(/stopping every service/, 30_000);
    // Nothing in the process can run after this: only the watchdog it started can clean up.
    run.cli.signal('SIGKILL');
    expect((await run.cli.exit).signal).toBe('SIGKILL');
    await expectNothingLeft(run.runId);
  }, 400_000);
});
