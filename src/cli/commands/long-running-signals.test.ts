/**
 * Signals to the other long-running commands, through the package bin: `twin` and `repro --keep` (which run until
 * told to stop), `can-i-upgrade` (runs the matrix) and `doctor` (probes a deployment). Each waits for a known
 * point (a printed line, the test-only hold, a connection the doctor opened) before signalling.
 */
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../common/wait-for.ts';
import { isListening, isPidAlive, killLeftover, onlyFolder, servicePorts, startCli, type CliProcess } from '../test-support/cli-process.ts';

const TWIN_TEMP_DIRS = /^(evochat-tmp-|chatwoot-twin-storage-|evolution-twin-|evochat-s3-)/;

let dir: string;
let cli: CliProcess | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'long-running-signals-'));
});
afterEach(() => killLeftover(cli));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function privateTmp(name: string): Promise<string> {
  const tmp = join(dir, name, 'tmp');
  await mkdir(tmp, { recursive: true });
  return tmp;
}

async function twinTempDirs(tmp: string): Promise<string[]> {
  return (await readdir(tmp)).filter((name) => TWIN_TEMP_DIRS.test(name));
}

describe('twin', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'a %s and its relayed copy stop the twin once, cleanly (exit 0, port closed, temp folder gone)',
    async (signal) => {
      const tmp = await privateTmp(`twin-${signal}`);
      cli = startCli('bin', ['twin', 'chatwoot', '--version', '3.8.0', '--port', '0'], { TMPDIR: tmp });
      const [, port] = await cli.waitForStderr(/chatwoot twin 3\.8\.0 listening on http:\/\/127\.0\.0\.1:(\d+)/);
      expect(await isListening(Number(port))).toBe(true);
      expect((await twinTempDirs(tmp)).length).toBeGreaterThan(0);
      cli.signal(signal);
      // The copy arrives once the first was handled, as npm's relayed one does (two signals sent at once merge into one).
      await cli.waitForStderr(new RegExp(`${signal}: stopping the chatwoot twin`));
      cli.signal(signal);
      expect(await cli.exit).toEqual({ code: 0, signal: null });
      expect(cli.stderr()).toContain(`${signal}: stopping the chatwoot twin; press Ctrl-C again after 2 s to force`);
      expect(await isListening(Number(port))).toBe(false);
      expect(await twinTempDirs(tmp)).toEqual([]);
    },
    120_000,
  );

  it("relayed copies that keep coming while it stops never end it with the signal's default action", async () => {
    const tmp = await privateTmp('twin-storm');
    cli = startCli('bin', ['twin', 'chatwoot', '--version', '3.8.0', '--port', '0'], { TMPDIR: tmp });
    await cli.waitForStderr(/chatwoot twin 3\.8\.0 listening/);
    cli.signal('SIGINT');
    await cli.waitForStderr(/SIGINT: stopping the chatwoot twin/);
    // Copies every millisecond until it is gone: one lands while Node tears the process down.
    let exited = false;
    void cli.exit.then(() => (exited = true));
    while (!exited) {
      try {
        cli.signal('SIGINT');
      } catch {
        break; // already gone
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(await cli.exit).toEqual({ code: 0, signal: null });
  }, 120_000);
});

describe('repro --keep', () => {
  it('keeps the stack until Ctrl-C; Ctrl-C and its relayed copy stop it, and the exit code is the verdict (0 reproduced)', async () => {
    const tmp = await privateTmp('repro-keep');
    const out = join(dir, 'repro-keep', 'bundle');
    cli = startCli('bin', ['repro', 'fixtures/bug-reports/server-url-localhost-evolution-1375.yaml', '--out', out, '--backend', 'sim', '--keep'], {
      TMPDIR: tmp,
    });
    const [, chatwootPort] = await cli.waitForStdout(/Chatwoot {3}http:\/\/127\.0\.0\.1:(\d+)/, 150_000);
    const [, evolutionPort] = await cli.waitForStdout(/Evolution {2}http:\/\/127\.0\.0\.1:(\d+)/);
    expect(await isListening(Number(chatwootPort))).toBe(true);
    cli.signal('SIGINT');
    await cli.waitForStderr(/SIGINT: stopping every service/);
    cli.signal('SIGINT');
    expect(await cli.exit).toEqual({ code: 0, signal: null });
    expect(cli.stdout()).toContain('repro: REPRODUCED');
    expect((await stat(join(out, 'README.md'))).isFile()).toBe(true);
    expect(await isListening(Number(chatwootPort))).toBe(false);
    expect(await isListening(Number(evolutionPort))).toBe(false);
    expect(await twinTempDirs(tmp)).toEqual([]);
  }, 240_000);
});

describe('can-i-upgrade', () => {
  it('SIGTERM while its runs are going stops every service and exits 3', async () => {
    const tmp = await privateTmp('upgrade');
    const out = join(dir, 'upgrade', 'out');
    cli = startCli('bin', ['can-i-upgrade', '--chatwoot', '3.7.0', '--evolution', '1.7.4', '--to', 'chatwoot@3.8.0', '--backend', 'sim', '--out', out], {
      TMPDIR: tmp,
      EVOCHAT_TEST_HOLD_AT: 'scenario',
    });
    const [, pid] = await cli.waitForStderr(/evochat test hold: scenario reached \(pid (\d+)\)/, 150_000);
    const staging = (await onlyFolder(join(out, 'current-and-target'), '.partial-'))!;
    await waitFor(async () => (await servicePorts(staging)).length >= 2, { timeoutMs: 30_000, intervalMs: 100, description: "the twins' listening lines" });
    const ports = await servicePorts(staging);
    cli.signal('SIGTERM');
    expect(await cli.exit).toEqual({ code: 3, signal: null });
    expect(cli.stderr()).toContain('interrupted by SIGTERM: services stopped, no answer');
    expect(isPidAlive(Number(pid))).toBe(false);
    for (const port of ports) expect(await isListening(port), `port ${port}`).toBe(false);
    expect(await twinTempDirs(tmp)).toEqual([]);
  }, 240_000);
});

describe('doctor', () => {
  let server: Server;
  const connections: Socket[] = [];
  beforeAll(async () => {
    // Accepts and never answers: the doctor waits on its first probe until it is interrupted.
    server = createServer((socket) => connections.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of connections) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('Ctrl-C while a check waits ends the checks at once with exit 130 and writes nothing', async () => {
    const port = (server.address() as { port: number }).port;
    const out = join(dir, 'doctor', 'out');
    cli = startCli(
      'bin',
      [
        'doctor',
        '--chatwoot-url',
        `http://127.0.0.1:${port}`,
        '--account',
        '1',
        '--evolution-url',
        `http://127.0.0.1:${port}`,
        '--timeout',
        '600000',
        '--out',
        out,
      ],
      {
        EVOCHAT_CHATWOOT_TOKEN: 'doctor-token-not-real',
        EVOCHAT_EVOLUTION_KEY: 'doctor-key-not-real',
      },
    );
    await waitFor(() => connections.length > 0, { timeoutMs: 60_000, intervalMs: 50, description: 'the doctor connecting' });
    cli.signal('SIGINT');
    expect(await cli.exit).toEqual({ code: 130, signal: null });
    expect(cli.stderr()).toContain('interrupted by SIGINT: checks stopped, nothing written');
    expect(await readdir(out).catch(() => [])).toEqual([]);
  }, 120_000);
});
