import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../common/wait-for.ts';

const root = join(import.meta.dirname, '../../..');
const tsx = join(root, 'node_modules/.bin/tsx');

/** Temp folders the twins create for themselves and remove in close(): left behind only when cleanup was skipped. */
const TWIN_TEMP_DIRS = /^(chatwoot-twin-storage-|evolution-twin-|evochat-s3-)/;

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Ports the twins said they listen on, from their logs under <out>/services (Puma's and Evolution's startup lines). */
async function servicePorts(outDir: string): Promise<number[]> {
  const dir = join(outDir, 'services');
  const ports = new Set<number>();
  for (const file of await readdir(dir).catch(() => [] as string[])) {
    const text = await readFile(join(dir, file), 'utf8').catch(() => '');
    for (const match of text.matchAll(/\* Listening on http:\/\/127\.0\.0\.1:(\d+)|HTTP - ON: (\d+)/g)) ports.add(Number(match[1] ?? match[2]));
  }
  return [...ports];
}

async function serviceLog(outDir: string, prefix: string): Promise<string> {
  const dir = join(outDir, 'services');
  const files = (await readdir(dir).catch(() => [] as string[])).filter((file) => file.startsWith(prefix));
  return (await Promise.all(files.map((file) => readFile(join(dir, file), 'utf8').catch(() => '')))).join('\n');
}

describe('run: Ctrl-C while the suites run', () => {
  let dir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'run-interrupt-'));
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('stops every service (vitest does not exit first) and exits 130', async () => {
    const outDir = join(dir, 'out');
    // A private TMPDIR: the twins' own temp folders must be gone after the interrupted run.
    const childTmp = join(dir, 'tmp');
    await rm(childTmp, { recursive: true, force: true });
    await mkdir(childTmp, { recursive: true });
    const args = ['src/cli/bin.ts', 'run', '--backend', 'sim', '--suite', 'bot-command', '--chatwoot', '3.8.0', '--evolution', '1.7.4', '--storage', 'local', '--out', outDir];
    const started = spawn(tsx, args, { cwd: root, env: { ...process.env, TMPDIR: childTmp, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    let stderr = '';
    started.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    started.stdout!.resume();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      started.once('exit', (code, signal) => resolve({ code, signal })),
    );

    // The suites run once the progress says so and the scenario has reached Evolution (its instance creates an inbox):
    // vitest is running its workers then, with whatever signal handlers it installs.
    await waitFor(() => stderr.includes('[scenarios]'), { timeoutMs: 90_000, intervalMs: 100, description: 'the scenarios phase' });
    await waitFor(async () => (await serviceLog(outDir, 'evolution-1.7.4')).includes('create inbox in chatwoot'), {
      timeoutMs: 60_000,
      intervalMs: 100,
      description: 'the bot-command scenario creating its instance',
    });
    const ports = await servicePorts(outDir);
    expect(ports.length).toBeGreaterThanOrEqual(2);
    for (const port of ports) expect(await listening(port), `port ${port} listens while the run is going`).toBe(true);
    expect((await readdir(childTmp)).filter((name) => TWIN_TEMP_DIRS.test(name)).length).toBeGreaterThan(0);

    started.kill('SIGINT');
    const deadline = setTimeout(() => started.kill('SIGKILL'), 60_000);
    const exit = await exited;
    clearTimeout(deadline);

    expect(exit).toEqual({ code: 130, signal: null });
    // Printed only by the run command's own handler, after the backend's stop() returned.
    expect(stderr).toContain('[stop] stopping services');
    expect(stderr).toContain('interrupted by SIGINT: services stopped');
    // The twins' close() removes their temp folders: none is left when cleanup ran.
    expect((await readdir(childTmp)).filter((name) => TWIN_TEMP_DIRS.test(name))).toEqual([]);
    for (const port of ports) expect(await listening(port), `port ${port} after the interrupted run`).toBe(false);
  }, 180_000);
});
