import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../../cli/test-support/cli-process.ts';
import { reserveClosedPort } from '../../common/closed-port.ts';
import { PLATFORM_TOKEN_ENV } from './attached-chatwoot.ts';
import { startExternalChatwootTwin, type ExternalTwin } from './test-support/external-twin.ts';

/**
 * Bad input for `run --chatwoot-url` (issue 20): each ends with one named error line (and a hint), its exit code, and
 * nothing created on the server. The servers are twins started as external processes.
 */
describe('run --chatwoot-url: bad input', () => {
  let fork: ExternalTwin;
  let refusing: ExternalTwin;
  let out: string;

  beforeAll(async () => {
    // A fork that says "3.8.0-uno" (chatwoot-3.7-3.9.md §1.5), and a 4.14.0 that refuses webhooks to loopback (no opt-out).
    [fork, refusing] = await Promise.all([
      startExternalChatwootTwin({ version: '3.8.0', env: { TWIN_API_VERSION: '3.8.0-uno' } }),
      startExternalChatwootTwin({ version: '4.14.0' }),
    ]);
    out = await mkdtemp(join(tmpdir(), 'evochat-attach-bad-'));
  });

  afterAll(async () => {
    await Promise.all([fork?.stop(), refusing?.stop()]);
    await rm(out, { recursive: true, force: true });
  });

  async function run(args: string[], token: string | undefined) {
    const cli = startCli('tsx', ['run', '--evolution', '1.7.5', '--suite', 'auth', '--no-progress', '--out', join(out, String(Math.random())), ...args], {
      ...(token === undefined ? {} : { [PLATFORM_TOKEN_ENV]: token }),
    });
    const { code } = await cli.exit;
    return {
      code,
      stderr: cli.stderr(),
      errorLines: cli
        .stderr()
        .split('\n')
        .filter((line) => line.startsWith('error ')),
    };
  }

  it('an unreachable URL: EVOCHAT_E_ATTACH_UNREACHABLE, exit 3', async () => {
    const result = await run(['--chatwoot-url', `http://127.0.0.1:${await reserveClosedPort()}`], 'any-token');
    expect(result.errorLines).toEqual([expect.stringMatching(/^error EVOCHAT_E_ATTACH_UNREACHABLE: .*did not answer GET \/api: ECONNREFUSED$/)]);
    expect(result.code).toBe(3);
  }, 60_000);

  it('a wrong (non-platform) token: EVOCHAT_E_PLATFORM_TOKEN_REFUSED, exit 2, the token never echoed; no token: usage error', async () => {
    const wrong = await run(['--chatwoot-url', fork.url, '--as-version', '3.8.0'], 'not-the-platform-token');
    expect(wrong.errorLines).toEqual([
      expect.stringMatching(/^error EVOCHAT_E_PLATFORM_TOKEN_REFUSED: .*refused the token in EVOCHAT_CHATWOOT_PLATFORM_TOKEN/),
    ]);
    expect(wrong.stderr).not.toContain('not-the-platform-token');
    expect(wrong.code).toBe(2);
    const missing = await run(['--chatwoot-url', fork.url], undefined);
    expect(missing.errorLines).toEqual([
      expect.stringContaining(`error EVOCHAT_E_USAGE: --chatwoot-url needs the attached Chatwoot's PlatformApp token in ${PLATFORM_TOKEN_ENV}`),
    ]);
    expect(missing.code).toBe(2);
    expect(await fork.leftovers(5)).toEqual({ accounts: [], users: [] });
  }, 60_000);

  it('a version no profile matches: EVOCHAT_E_ATTACH_UNKNOWN_VERSION, exit 2, naming --as-version; a bad --as-version too', async () => {
    const unknown = await run(['--chatwoot-url', fork.url], fork.token);
    expect(unknown.errorLines).toEqual([
      'error EVOCHAT_E_ATTACH_UNKNOWN_VERSION: the attached Chatwoot says it is version 3.8.0-uno, which matches no profile',
    ]);
    expect(unknown.stderr).toContain('--as-version');
    expect(unknown.code).toBe(2);
    const badProfile = await run(['--chatwoot-url', fork.url, '--as-version', '3.8'], fork.token);
    expect(badProfile.errorLines).toEqual([expect.stringMatching(/^error EVOCHAT_E_ATTACH_UNKNOWN_VERSION: --as-version 3\.8: no such profile/)]);
    expect(await fork.leftovers(5)).toEqual({ accounts: [], users: [] });
  }, 60_000);

  it('a URL with credentials in it: EVOCHAT_E_ATTACH_URL_CREDENTIALS, exit 2, the password never echoed', async () => {
    const result = await run(['--chatwoot-url', fork.url.replace('http://', 'http://admin:s3cretpass@')], fork.token);
    expect(result.errorLines).toEqual([expect.stringMatching(/^error EVOCHAT_E_ATTACH_URL_CREDENTIALS: --chatwoot-url: the URL carries credentials/)]);
    expect(result.stderr).not.toContain('s3cretpass');
    expect(result.code).toBe(2);
  }, 60_000);

  it('a preflight that cannot reach back (4.14.0 refuses loopback webhooks): EVOCHAT_E_ATTACH_PREFLIGHT with the fix, exit 3, nothing left', async () => {
    const result = await run(['--chatwoot-url', refusing.url], refusing.token);
    expect(result.errorLines).toEqual([
      expect.stringMatching(
        /^error EVOCHAT_E_ATTACH_PREFLIGHT: preflight: the attached Chatwoot at .* cannot reach Evolution at http:\/\/127\.0\.0\.1:\d+: no webhook arrived within \d+ ms \(Chatwoot: Hostname '127\.0\.0\.1' has no public ip addresses\)$/,
      ),
    ]);
    expect(result.stderr).toContain('hint: Chatwoot 4.14+ refuses private and loopback webhook targets');
    expect(result.stderr).not.toContain('[scenarios]');
    expect(result.code).toBe(3);
    expect(await refusing.leftovers(5)).toEqual({ accounts: [], users: [] });
  }, 90_000);
});
