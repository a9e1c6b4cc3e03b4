import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../cli/commands/run.ts';
import { cleanCommand } from '../../cli/commands/clean.ts';
import { killLeftover, onlyFolder, startCli, type CliProcess } from '../../cli/test-support/cli-process.ts';
import type { RunResult } from '../../model/result-schema.ts';
import { STAGING_PREFIX } from '../../runner/out-dir.ts';
import { LEDGER_FILE, readLedgerFile } from './attach-ledger.ts';
import { PLATFORM_TOKEN_ENV } from './attached-chatwoot.ts';
import { startExternalChatwootTwin, type ExternalTwin } from './test-support/external-twin.ts';

/**
 * The attach backend end to end (issue 20): a Chatwoot twin started as an external server (`twin chatwoot`, its own
 * process and port) is "your server"; the run provisions its cells there through the Platform API, runs the suites with
 * Evolution twins, and leaves nothing behind: after a normal run, a failing run, Ctrl-C, and (with clean --attached) a kill.
 */
const root = join(import.meta.dirname, '../../..');

function capture() {
  const sink = { text: '', isTTY: false, write: (chunk: string) => ((sink.text += chunk), true) };
  return sink as unknown as NodeJS.WritableStream & { text: string; isTTY: boolean };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('run --chatwoot-url against a twin started as an external server', () => {
  let twin: ExternalTwin;
  let out: string;

  beforeAll(async () => {
    twin = await startExternalChatwootTwin({ version: '3.8.0' });
    out = await mkdtemp(join(tmpdir(), 'evochat-attach-'));
  });

  afterAll(async () => {
    await twin?.stop();
    await rm(out, { recursive: true, force: true });
  });

  describe('a normal run: the done check of issue 20', () => {
    let exitCode: number;
    let stdout: ReturnType<typeof capture>;
    let stderr: ReturnType<typeof capture>;
    let result: RunResult;
    const dir = () => join(out, 'normal');

    beforeAll(async () => {
      stdout = capture();
      stderr = capture();
      exitCode = await runCommand(
        { matrix: join(root, 'matrix.json'), chatwootUrl: twin.url, evolution: '1.7.4,1.7.5', out: dir(), progress: false },
        { stdout, stderr, env: { NO_COLOR: '1', [PLATFORM_TOKEN_ENV]: twin.token }, handleSignals: false },
      );
      result = JSON.parse(await readFile(join(dir(), 'result.json'), 'utf8')) as RunResult;
    }, 240_000);

    it('reports the 3.8.0 row as a real server would: 1.7.4 breaks on contact_id, 1.7.5 works, exit 0', () => {
      const verdicts = Object.fromEntries(result.cells.map((cell) => [cell.id, cell.verdict]));
      expect(verdicts).toEqual({ 'cw3.8.0-evo1.7.4-local': 'expected-break', 'cw3.8.0-evo1.7.5-local': 'pass' });
      const lookup = result.cells[0]!.scenarios.find((s) => s.id === 'filter-contract/bot-conversation-lookup');
      expect(lookup?.message).toContain('contact_id');
      expect(exitCode).toBe(0);
    });

    it('labels the Chatwoot as attached in the result, the terminal grid and the reports, never as a stand-in', async () => {
      const label = `attached: Chatwoot 3.8.0 at ${twin.url}`;
      expect(result).toMatchObject({
        backend: 'attach',
        attached: { chatwoot: { url: twin.url, reportedVersion: '3.8.0', profile: '3.8.0', asVersion: false, label } },
      });
      expect(stdout.text).toContain(`backend: attach — ${label}; Evolution: twins (stand-ins)`);
      for (const file of ['summary.md', 'report.html', 'junit.xml']) expect(await readFile(join(dir(), file), 'utf8')).toContain(label);
    });

    it('leaves no account and no user behind, and its ledger says each was deleted', async () => {
      expect(await twin.leftovers(12)).toEqual({ accounts: [], users: [] });
      const ledger = readLedgerFile(join(dir(), LEDGER_FILE));
      expect(ledger.pending).toEqual([]);
      expect(stderr.text).toMatch(/attached: removed \d+ account\(s\) and user\(s\)/);
    });

    it('writes the platform token into no artifact', async () => {
      const leaks: string[] = [];
      for (const file of await filesUnder(dir())) if ((await readFile(file, 'utf8')).includes(twin.token)) leaks.push(file);
      expect(leaks).toEqual([]);
      expect(stdout.text + stderr.text).not.toContain(twin.token);
    });

    it('gives instances a run-unique prefix', async () => {
      const runTag = result.runId
        .replace(/[^a-z0-9]/gi, '')
        .slice(-6)
        .toLowerCase();
      const exchanges = await readFile(join(dir(), 'cells', 'cw3.8.0-evo1.7.5-local', 'exchanges.json'), 'utf8');
      expect(exchanges).toContain(`/chatwoot/webhook/c380e175local-${runTag}-`);
    });
  });

  it('a run that fails after provisioning still deletes everything it created', async () => {
    const failing = capture();
    await expect(
      runCommand(
        { matrix: join(root, 'matrix.json'), chatwootUrl: twin.url, evolution: '1.7.5', suite: 'auth', out: join(out, 'failing'), progress: false },
        {
          stdout: capture(),
          stderr: failing,
          env: { [PLATFORM_TOKEN_ENV]: twin.token },
          handleSignals: false,
          deps: {
            runSuites: () => Promise.reject(new Error('the suite runner crashed')),
          },
        },
      ),
    ).rejects.toThrow('the suite runner crashed');
    expect(failing.text).toMatch(/attached: removed [1-9]\d* account\(s\)/);
    expect(await twin.leftovers(40)).toEqual({ accounts: [], users: [] });
  }, 120_000);

  describe('the CLI, interrupted', () => {
    let cli: CliProcess | undefined;
    afterAll(() => killLeftover(cli));
    const args = (dir: string) => ['run', '--chatwoot-url', twin.url, '--evolution', '1.7.5', '--suite', 'bot-command', '--out', dir];

    it('Ctrl-C during the scenarios: exit 130 and nothing left on the server', async () => {
      // Held inside a scenario (test-hold.ts): a signal while vitest is still being created meets vitest's own handler.
      cli = startCli('tsx', args(join(out, 'sigint')), { [PLATFORM_TOKEN_ENV]: twin.token, EVOCHAT_TEST_HOLD_AT: 'scenario' });
      await cli.waitForStderr(/evochat test hold: scenario reached/);
      const held = await twin.leftovers(60);
      expect(held.accounts.length, 'the cell accounts exist while the run is held').toBeGreaterThan(0);
      cli.signal('SIGINT', { group: true });
      expect((await cli.exit).code).toBe(130);
      expect(cli.stderr()).toMatch(/attached: removed [1-9]\d* account\(s\)/);
      expect(await twin.leftovers(60)).toEqual({ accounts: [], users: [] });
    }, 120_000);

    it('a killed run leaves its ledger, and clean --attached removes exactly what it lists', async () => {
      const dir = join(out, 'killed');
      cli = startCli('tsx', args(dir), { [PLATFORM_TOKEN_ENV]: twin.token, EVOCHAT_TEST_HOLD_AT: 'scenario' });
      await cli.waitForStderr(/evochat test hold: scenario reached/);
      cli.signal('SIGKILL', { group: true });
      await cli.exit;
      const staged = await onlyFolder(dir, STAGING_PREFIX);
      expect(staged).toBeDefined();
      const left = readLedgerFile(join(staged!, LEDGER_FILE)).pending;
      expect(left.length).toBeGreaterThan(0);
      const before = await twin.leftovers(80);
      expect(before.accounts.length + before.users.length).toBe(left.length);

      const lines: string[] = [];
      expect(await cleanCommand({ attached: dir, out: (line) => lines.push(line), env: { [PLATFORM_TOKEN_ENV]: twin.token } })).toBe(0);
      expect(lines.filter((line) => line.startsWith('removed '))).toHaveLength(left.length);
      expect(await twin.leftovers(80)).toEqual({ accounts: [], users: [] });
      expect(readLedgerFile(join(staged!, LEDGER_FILE)).pending).toEqual([]);
    }, 120_000);
  });
});
