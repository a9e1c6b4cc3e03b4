/**
 * SIGINT midway through a real `run --backend docker --images twin` in a child process: once it exits,
 * nothing labelled with its run id may remain (containers or network). Interrupted during the start of the
 * services and during the scenarios. Skips without an engine, except under CI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../common/wait-for.ts';
import { listLabelledResources } from './cleanup.ts';
import { connectToEngine } from './engine.ts';
import { dockerGate, requireEngine } from './test-support/docker-gate.ts';
import { ensureTwinImages } from './twin-images/ensure-twin-images.ts';
import { runDocker } from './twin-images/docker-cli.ts';

const gate = await dockerGate('docker SIGINT tests');
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface RunningCli {
  child: ChildProcess;
  stderr: () => string;
  /** Resolves with the first stderr match. */
  waitForStderr(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  /** The signal that ended the process, when one did. */
  exitSignal: Promise<NodeJS.Signals | null>;
}

function startRun(outDir: string): RunningCli {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/bin.ts',
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
      '--out',
      outDir,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const waiter of [...waiters]) {
      const match = waiter.pattern.exec(stderr);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  });
  child.stdout!.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const exited = exit.then((result) => result.code);
  return {
    child,
    stderr: () => stderr,
    exited,
    exitSignal: exit.then((result) => result.signal),
    waitForStderr(pattern, timeoutMs) {
      const existing = pattern.exec(stderr);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} on stderr within ${timeoutMs} ms; stderr so far:\n${stderr}`)), timeoutMs);
        const waiter = {
          pattern,
          resolve: (match: RegExpMatchArray) => {
            clearTimeout(timer);
            resolve(match);
          },
        };
        waiters.push(waiter);
        void exited.then(() => {
          if (waiters.includes(waiter)) reject(new Error(`the run exited before ${pattern}; stderr:\n${stderr}`));
        });
      });
    },
  };
}

/**
 * Everything of the run is gone: removed by the run's own teardown, or, if the process was ended first, by the
 * detached reaper it started on the signal (run-reaper.ts), within seconds of the exit.
 */
async function expectNothingLeft(runId: string): Promise<void> {
  const client = await connectToEngine();
  await waitFor(async () => (await listLabelledResources(client, { runId })).length === 0, { timeoutMs: 60_000, intervalMs: 250, description: `no resources of ${runId}` });
  // The same question as a user would ask it.
  const containers = await runDocker(['ps', '-a', '-q', '--filter', `label=evochat.run-id=${runId}`]);
  const networks = await runDocker(['network', 'ls', '-q', '--filter', `label=evochat.run-id=${runId}`]);
  expect(containers.stdout.trim()).toBe('');
  expect(networks.stdout.trim()).toBe('');
}

describe.runIf(gate.run)('SIGINT during `run --backend docker --images twin`', () => {
  let outDir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    requireEngine(gate);
    await ensureTwinImages();
    outDir = await mkdtemp(join(tmpdir(), 'evochat-sigint-'));
  }, 600_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('removes everything when interrupted while the services start', async () => {
    const cli = startRun(join(outDir, 'during-start'));
    children.push(cli.child);
    const [, runId] = await cli.waitForStderr(/evochat\.run-id=(\S+)/, 180_000);
    await cli.waitForStderr(/\[start\] \S+ ready/, 180_000);
    cli.child.kill('SIGINT');
    const code = await cli.exited;
    expect(code, cli.stderr()).toBe(130);
    await expectNothingLeft(runId!);
  }, 300_000);

  it('removes everything when interrupted while the scenarios run', async () => {
    const cli = startRun(join(outDir, 'during-scenarios'));
    children.push(cli.child);
    const [, runId] = await cli.waitForStderr(/evochat\.run-id=(\S+)/, 180_000);
    await cli.waitForStderr(/\[scenarios\]/, 240_000);
    cli.child.kill('SIGINT');
    const code = await cli.exited;
    expect(code, cli.stderr()).toBe(130);
    await expectNothingLeft(runId!);
  }, 300_000);

  it('removes everything even when the process is killed right after the SIGINT, before its own teardown', async () => {
    const cli = startRun(join(outDir, 'forced'));
    children.push(cli.child);
    const [, runId] = await cli.waitForStderr(/evochat\.run-id=(\S+)/, 180_000);
    await cli.waitForStderr(/\[start\] \S+ ready/, 180_000);
    cli.child.kill('SIGINT');
    await cli.waitForStderr(/stopping every service/, 30_000);
    // Nothing in the process can run after this: only the reaper it started on the SIGINT can clean up.
    cli.child.kill('SIGKILL');
    expect(await cli.exitSignal).toBe('SIGKILL');
    await expectNothingLeft(runId!);
  }, 300_000);
});
