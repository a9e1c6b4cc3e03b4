/**
 * `npm run matrix` and signals. npm 11 forwards SIGINT and SIGTERM to its child and then exits with the child's
 * code; the script `exec`s the CLI so that child is the CLI itself (without `exec`, npm's child is `sh`, which
 * dies of SIGTERM at once: npm returned 143 and the run went on, orphaned). The run is held at a known point
 * (EVOCHAT_TEST_HOLD_AT) before the signal.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../common/wait-for.ts';
import { isListening, isPidAlive, killLeftover, onlyFolder, servicePorts, startCli, type CliProcess } from '../test-support/cli-process.ts';

const TWIN_TEMP_DIRS = /^(evochat-tmp-|chatwoot-twin-storage-|evolution-twin-|evochat-s3-)/;
const RUN = ['run', '--backend', 'sim', '--suite', 'bot-command', '--chatwoot', '3.7.0', '--evolution', '1.7.5', '--storage', 'local'];

let dir: string;
let cli: CliProcess | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'run-npm-signals-'));
});
afterEach(() => killLeftover(cli));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each([
  { signal: 'SIGTERM' as const, code: 3 },
  { signal: 'SIGINT' as const, code: 130 },
])('npm run matrix, $signal sent to npm', ({ signal, code }) => {
  it(`stops every service and npm exits ${code}`, async () => {
    const outDir = join(dir, signal, 'out');
    const tmp = join(dir, signal, 'tmp');
    await mkdir(tmp, { recursive: true });
    cli = startCli('npm', [...RUN, '--out', outDir], { TMPDIR: tmp, EVOCHAT_TEST_HOLD_AT: 'scenario' });
    const [, pid] = await cli.waitForStderr(/evochat test hold: scenario reached \(pid (\d+)\)/, 150_000);
    // The CLI is npm's own child (the script execs it): the signal npm forwards reaches it.
    expect(Number(pid)).not.toBe(cli.child.pid);
    const staging = (await onlyFolder(outDir, '.partial-'))!;
    await waitFor(async () => (await servicePorts(staging)).length >= 2, { timeoutMs: 30_000, intervalMs: 100, description: "the twins' listening lines" });
    const ports = await servicePorts(staging);

    cli.signal(signal);
    expect(await cli.exit).toEqual({ code, signal: null });
    expect(cli.stderr()).toContain(`interrupted by ${signal}: services stopped, no result written`);
    expect(isPidAlive(Number(pid)), 'the CLI process').toBe(false);
    for (const port of ports) expect(await isListening(port), `port ${port}`).toBe(false);
    expect((await readdir(tmp)).filter((name) => TWIN_TEMP_DIRS.test(name))).toEqual([]);
  }, 240_000);
});
