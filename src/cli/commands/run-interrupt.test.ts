/**
 * Signals to a real `run --backend sim` in a child process, started as a user starts it. Each run is held at a
 * known point (EVOCHAT_TEST_HOLD_AT, src/common/test-hold.ts) before the signal is sent, so the run cannot
 * finish first however loaded the machine is. Afterwards: the documented exit code, every service stopped
 * (ports closed, the twins' temp folders removed), the process gone, --out left as described in out-dir.ts.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../common/wait-for.ts';
import { INCOMPLETE_MARKER } from '../../runner/out-dir.ts';
import { isListening, isPidAlive, killLeftover, onlyFolder, servicePorts, startCli, type CliProcess, type Launcher } from '../test-support/cli-process.ts';

/** The twins' temp folders (owned scheme and the older names): left behind only when their cleanup was skipped. */
const TWIN_TEMP_DIRS = /^(evochat-tmp-|chatwoot-twin-storage-|evolution-twin-|evochat-s3-)/;
const RUN = ['run', '--backend', 'sim', '--suite', 'bot-command', '--chatwoot', '3.8.0', '--evolution', '1.7.4', '--storage', 'local'];

let dir: string;
let cli: CliProcess | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'run-interrupt-'));
});
afterEach(() => killLeftover(cli));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function twinTempDirs(tmp: string): Promise<string[]> {
  return (await readdir(tmp)).filter((name) => TWIN_TEMP_DIRS.test(name));
}

interface HeldRun {
  cli: CliProcess;
  pid: number;
  ports: number[];
  outDir: string;
  tmp: string;
}

/** Starts the run and returns once a scenario is running inside vitest and the twins answer. */
async function heldRun(name: string, launcher: Launcher, holds = 'scenario'): Promise<HeldRun> {
  const outDir = join(dir, name, 'out');
  // A private TMPDIR: the twins' own temp folders must be gone after the interrupted run.
  const tmp = join(dir, name, 'tmp');
  await mkdir(tmp, { recursive: true });
  const started = startCli(launcher, [...RUN, '--out', outDir], { TMPDIR: tmp, EVOCHAT_TEST_HOLD_AT: holds });
  cli = started;
  const [, pid] = await started.waitForStderr(/evochat test hold: scenario reached \(pid (\d+)\)/, 150_000);
  const staging = await onlyFolder(outDir, '.partial-');
  expect(staging, 'the run writes into its staging folder').toBeDefined();
  // Service logs reach the disk in batches: wait for the twins' start-up lines.
  await waitFor(async () => (await servicePorts(staging!)).length >= 2, { timeoutMs: 30_000, intervalMs: 100, description: "the twins' listening lines" });
  const ports = await servicePorts(staging!);
  for (const port of ports) expect(await isListening(port), `port ${port} listens while the run is held`).toBe(true);
  expect((await twinTempDirs(tmp)).length).toBeGreaterThan(0);
  return { cli: started, pid: Number(pid), ports, outDir, tmp };
}

/** The graceful stop ran to its end: services stopped, their temp folders removed, the process gone, --out tidy. */
async function expectEverythingStopped(run: HeldRun, signal: string): Promise<void> {
  const stderr = run.cli.stderr();
  // Printed only by the run command's own handler, after the backend's stop() returned.
  expect(stderr).toContain('[stop] stopping services');
  expect(stderr).toContain(`interrupted by ${signal}: services stopped, no result written`);
  expect(stderr).not.toContain('forcing the exit');
  expect(await twinTempDirs(run.tmp)).toEqual([]);
  for (const port of run.ports) expect(await isListening(port), `port ${port} after the interrupted run`).toBe(false);
  expect(isPidAlive(run.pid), `CLI process ${run.pid}`).toBe(false);
  // --out: no result (there was none before), this run's logs kept and marked, nothing half-written.
  const names = await readdir(run.outDir);
  expect(names.filter((name) => !name.startsWith('incomplete-'))).toEqual([]);
  expect(await readFile(join(run.outDir, names[0]!, INCOMPLETE_MARKER), 'utf8')).toContain(`did not finish: interrupted by ${signal}`);
  expect(stderr).toContain(`--out ${run.outDir}: no result written (there was none before); this run's logs are in ${join(run.outDir, names[0]!)}`);
}

describe('run: signals while the suites run', () => {
  it('tsx CLI: one Ctrl-C to the process group (tsx relays a copy) stops every service and exits 130', async () => {
    const run = await heldRun('tsx-ctrl-c', 'tsx');
    run.cli.signal('SIGINT', { group: true });
    expect(await run.cli.exit).toEqual({ code: 130, signal: null });
    await expectEverythingStopped(run, 'SIGINT');
  }, 240_000);

  it('package bin: two SIGINTs back to back (npm and the terminal both send one) are one graceful stop, exit 130', async () => {
    const run = await heldRun('bin-double', 'bin');
    run.cli.signal('SIGINT');
    // The copy arrives once the first was handled, as npm's relayed one does (two signals sent at once merge into one).
    await run.cli.waitForStderr(/SIGINT: stopping every service/);
    run.cli.signal('SIGINT');
    expect(await run.cli.exit).toEqual({ code: 130, signal: null });
    await expectEverythingStopped(run, 'SIGINT');
  }, 240_000);

  it('package bin: SIGTERM stops every service and exits 3', async () => {
    const run = await heldRun('bin-term', 'bin');
    run.cli.signal('SIGTERM');
    expect(await run.cli.exit).toEqual({ code: 3, signal: null });
    await expectEverythingStopped(run, 'SIGTERM');
  }, 240_000);

  it('package bin: SIGHUP (the terminal closed) stops every service and exits 3', async () => {
    const run = await heldRun('bin-hup', 'bin');
    run.cli.signal('SIGHUP');
    expect(await run.cli.exit).toEqual({ code: 3, signal: null });
    await expectEverythingStopped(run, 'SIGHUP');
  }, 240_000);

  it('a second Ctrl-C once the grace period is over forces the exit (130) without waiting for the cleanup', async () => {
    const run = await heldRun('bin-force', 'bin', 'scenario,stop');
    run.cli.signal('SIGINT');
    expect(await run.cli.waitForStderr(/press Ctrl-C again after 2 s to force/)).toBeTruthy();
    await run.cli.waitForStderr(/evochat test hold: stop reached/);
    // Said by the handler once the grace period is over: from now on a signal forces.
    await run.cli.waitForStderr(/still stopping; press Ctrl-C again to force the exit/);
    run.cli.signal('SIGINT');
    expect(await run.cli.exit).toEqual({ code: 130, signal: null });
    expect(run.cli.stderr()).toContain('SIGINT again: forcing the exit without waiting for the cleanup');
    expect(run.cli.stderr()).not.toContain('[stop] stopping services');
    expect(isPidAlive(run.pid)).toBe(false);
  }, 240_000);
});
