import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, startCli } from '../../cli/test-support/cli-process.ts';
import { reserveClosedPort } from '../../common/closed-port.ts';
import type { RunResult } from '../../model/result-schema.ts';
import { PLATFORM_TOKEN_ENV } from './attach-credentials.ts';
import { LEDGER_FILE, readLedgerFile } from './attach-ledger.ts';
import { startExternalChatwootTwin, type ExternalTwin } from './test-support/external-twin.ts';

/**
 * `--chatwoot-url` on repro and can-i-upgrade, and the token from `--config` (issue 20): the same option layer, errors,
 * ledger and clean-up as run. "Your server" is a Chatwoot twin started as an external process.
 */
describe('repro, can-i-upgrade and --config against an attached Chatwoot', () => {
  let twin: ExternalTwin;
  let out: string;
  let creds: string;

  beforeAll(async () => {
    twin = await startExternalChatwootTwin({ version: '3.8.0' });
    out = await mkdtemp(join(tmpdir(), 'evochat-attach-commands-'));
    creds = join(out, 'creds.json');
    await writeFile(creds, JSON.stringify({ platformToken: twin.token }));
  }, 90_000);

  afterAll(async () => {
    await twin?.stop();
    await rm(out, { recursive: true, force: true });
  });

  async function cli(args: string[], env: Record<string, string> = {}) {
    const child = startCli('tsx', [...args, '--no-progress'], env);
    const { code } = await child.exit;
    const stderr = child.stderr();
    return { code, stdout: child.stdout(), stderr, errorLines: stderr.split('\n').filter((line) => line.startsWith('error ')) };
  }

  async function leaks(dir: string): Promise<string[]> {
    const found: string[] = [];
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      if (path !== creds && (await readFile(path, 'utf8')).includes(twin.token)) found.push(path);
    }
    return found;
  }

  it('run --config FILE: the token from the file (no env), never written anywhere else; nothing left', async () => {
    const dir = join(out, 'run-config');
    const ran = await cli(['run', '--chatwoot-url', twin.url, '--config', creds, '--evolution', '1.7.5', '--suite', 'auth', '--out', dir]);
    expect(ran.errorLines).toEqual([]);
    expect(ran.code).toBe(0);
    expect(await leaks(dir)).toEqual([]);
    expect(ran.stdout + ran.stderr).not.toContain(twin.token);
    expect(await twin.leftovers(8)).toEqual({ accounts: [], users: [] });
  }, 120_000);

  it('a --config file with a typo: EVOCHAT_E_CONFIG, exit 2, the key named and the value not; nothing created', async () => {
    const bad = join(out, 'typo.json');
    await writeFile(bad, JSON.stringify({ platform_token: twin.token }));
    const ran = await cli(['run', '--chatwoot-url', twin.url, '--config', bad, '--evolution', '1.7.5', '--out', join(out, 'typo')]);
    expect(ran.errorLines).toEqual([
      `error EVOCHAT_E_CONFIG: ${bad} is invalid (1 problem): at platform_token: unknown key (allowed: "platformToken", "evolutionKey")`,
    ]);
    expect(ran.stderr).not.toContain(twin.token);
    expect(ran.code).toBe(2);
    expect(await twin.leftovers(8)).toEqual({ accounts: [], users: [] });
  }, 60_000);

  it('repro FILE --chatwoot-url: the report reproduced on the attached server, the version difference said, nothing left', async () => {
    const dir = join(out, 'repro');
    const report = join(PROJECT_ROOT, 'fixtures/bug-reports/qr-code-missing-evolution-605.yaml');
    const ran = await cli(['repro', report, '--chatwoot-url', twin.url, '--out', dir], { [PLATFORM_TOKEN_ENV]: twin.token });
    expect(ran.errorLines).toEqual([]);
    // The report names 3.9.0; the 3.8.0 server rejects contact_id the same way.
    expect(ran.stderr).toContain(`attached: the report names Chatwoot 3.9.0; the attached server at ${twin.url} runs as 3.8.0`);
    expect(ran.code).toBe(0);
    const result = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as RunResult;
    expect(result.backend).toBe('attach');
    expect(result.cells.map((cell) => cell.id)).toEqual(['cw3.8.0-evo1.7.4-local']);
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toContain('runs as 3.8.0');
    expect(readLedgerFile(join(dir, LEDGER_FILE)).pending).toEqual([]);
    expect(await leaks(dir)).toEqual([]);
    expect(await twin.leftovers(16)).toEqual({ accounts: [], users: [] });
  }, 240_000);

  it('can-i-upgrade --chatwoot-url --to evolution@1.7.5: both pairs on the attached server, "yes", nothing left', async () => {
    const dir = join(out, 'upgrade');
    const ran = await cli([
      'can-i-upgrade',
      '--chatwoot-url',
      twin.url,
      '--config',
      creds,
      '--evolution',
      '1.7.4',
      '--to',
      'evolution@1.7.5',
      '--out',
      dir,
      '--json',
    ]);
    expect(ran.errorLines).toEqual([]);
    const answer = JSON.parse(ran.stdout) as { answer: string; current: { chatwoot: string }; source: { backend: string } };
    expect(answer).toMatchObject({ answer: 'yes', source: { backend: 'attach' } });
    expect(ran.code).toBe(0);
    const result = JSON.parse(await readFile(join(dir, 'current-and-target', 'result.json'), 'utf8')) as RunResult;
    expect(Object.fromEntries(result.cells.map((cell) => [cell.id, cell.verdict]))).toEqual({
      'cw3.8.0-evo1.7.4-local': 'expected-break',
      'cw3.8.0-evo1.7.5-local': 'pass',
    });
    expect(result.attached?.chatwoot.label).toBe(`attached: Chatwoot 3.8.0 at ${twin.url}`);
    expect(await twin.leftovers(24)).toEqual({ accounts: [], users: [] });
  }, 240_000);

  it('the same bad-input errors as run: unreachable (3), refused token (2), a --chatwoot that is not the server (2)', async () => {
    const closed = `http://127.0.0.1:${await reserveClosedPort()}`;
    const unreachable = await cli(['repro', 'fixtures/bug-reports/qr-code-missing-evolution-605.yaml', '--chatwoot-url', closed, '--out', join(out, 'r2')], {
      [PLATFORM_TOKEN_ENV]: 'x',
    });
    expect(unreachable.errorLines).toEqual([expect.stringMatching(/^error EVOCHAT_E_ATTACH_UNREACHABLE: .*did not answer GET \/api: ECONNREFUSED$/)]);
    expect(unreachable.code).toBe(3);
    const refused = await cli(['can-i-upgrade', '--chatwoot-url', twin.url, '--evolution', '1.7.4', '--to', 'evolution@1.7.5', '--out', join(out, 'u2')], {
      [PLATFORM_TOKEN_ENV]: 'not-the-platform-token',
    });
    expect(refused.errorLines).toEqual([
      expect.stringMatching(/^error EVOCHAT_E_PLATFORM_TOKEN_REFUSED: .*refused the token in EVOCHAT_CHATWOOT_PLATFORM_TOKEN/),
    ]);
    expect(refused.stderr).not.toContain('not-the-platform-token');
    expect(refused.code).toBe(2);
    const other = await cli([
      'can-i-upgrade',
      '--chatwoot-url',
      twin.url,
      '--config',
      creds,
      '--chatwoot',
      '3.7.0',
      '--evolution',
      '1.7.4',
      '--to',
      'evolution@1.7.5',
    ]);
    expect(other.errorLines).toEqual([
      'error EVOCHAT_E_USAGE: --chatwoot 3.7.0: the attached Chatwoot runs as 3.8.0; leave --chatwoot out with --chatwoot-url',
    ]);
    expect(other.code).toBe(2);
    expect(await twin.leftovers(24)).toEqual({ accounts: [], users: [] });
  }, 120_000);
});
