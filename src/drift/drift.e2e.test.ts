import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_TOKEN_ENV } from '../backends/attach/attached-chatwoot.ts';
import { startExternalChatwootTwin, type ExternalTwin } from '../backends/attach/test-support/external-twin.ts';
import { reserveClosedPort } from '../common/closed-port.ts';
import { startCli } from '../cli/test-support/cli-process.ts';
import { DriftReport } from '../model/drift-report.ts';

/**
 * `npm run drift` over real HTTP (issue 20): the "attached" Chatwoot is a twin started as an external server. A twin
 * altered by one profile knob is reported with exactly that behaviour; an identical one with none; a twin of another
 * profile claiming this one lists that profile's differences; bad input ends with a named error before anything is made.
 */
describe('drift --chatwoot-url', () => {
  let identical: ExternalTwin;
  let altered: ExternalTwin;
  let older: ExternalTwin;
  let out: string;

  beforeAll(async () => {
    // 4.14.2 refuses loopback webhooks unless opted out (chatwoot-3.10-4.x.md §4.2); the drift receiver is on loopback.
    const optOut = { SAFE_FETCH_ALLOW_PRIVATE_NETWORK: 'true' };
    [identical, altered, older] = await Promise.all([
      startExternalChatwootTwin({ version: '4.14.2', env: optOut }),
      startExternalChatwootTwin({ version: '4.14.2', env: { ...optOut, TWIN_PROFILE_OVERRIDES: '{"conversationFilterAcceptsContactId":false}' } }),
      startExternalChatwootTwin({ version: '3.8.0', env: { TWIN_API_VERSION: '4.14.2' } }),
    ]);
    out = await mkdtemp(join(tmpdir(), 'evochat-drift-'));
  }, 90_000);

  afterAll(async () => {
    await Promise.all([identical?.stop(), altered?.stop(), older?.stop()]);
    await rm(out, { recursive: true, force: true });
  });

  async function drift(url: string, token: string | undefined, extra: string[] = []) {
    const dir = join(out, String(Math.random()).slice(2));
    const cli = startCli('tsx', ['drift', '--chatwoot-url', url, '--out', dir, ...extra], token === undefined ? {} : { [PLATFORM_TOKEN_ENV]: token });
    const { code } = await cli.exit;
    const report = await readFile(join(dir, 'drift.json'), 'utf8').then(
      (text) => DriftReport.parse(JSON.parse(text)),
      () => undefined,
    );
    const errorLines = cli
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('error '));
    return { code, report, dir, stdout: cli.stdout(), stderr: cli.stderr(), errorLines };
  }
  const differing = (report: DriftReport | undefined) => report?.probes.filter((p) => p.outcome === 'different').map((p) => p.id);

  it('an identical twin: no difference, exit 0, nothing left on the server', async () => {
    const result = await drift(identical.url, identical.token);
    expect(result.stderr).not.toContain('error ');
    expect(result.code).toBe(0);
    expect(result.report?.summary).toEqual({ probes: result.report?.probes.length, different: 0, verdictRelevant: 0 });
    expect(result.report?.probes.find((p) => p.id === 'webhook-message-created')?.attached.headers).toContain('x-chatwoot-signature');
    expect(await readFile(join(result.dir, 'drift.md'), 'utf8')).toContain('0 with differences, 0 touching a verdict (exit 0)');
    expect(await identical.leftovers(5)).toEqual({ accounts: [], users: [] });
  }, 60_000);

  it('a twin altered by one profile knob: exactly the contact_id lookup differs (422 vs 200), exit 1, the token never written', async () => {
    const result = await drift(altered.url, altered.token);
    expect(result.code).toBe(1);
    expect(differing(result.report)).toEqual(['conversations-filter-contact-id']);
    const probe = result.report!.probes.find((p) => p.id === 'conversations-filter-contact-id')!;
    expect(probe.differences.map((d) => [d.aspect, d.attached, d.verdictRelevant])).toEqual([
      ['status', 422, true],
      ['text', expect.stringContaining('Invalid attribute key - [contact_id]'), true],
    ]);
    expect(probe.twin).toMatchObject({ status: 200, order: ['bot'] });
    const md = await readFile(join(result.dir, 'drift.md'), 'utf8');
    expect(md).toContain('status **(verdict)**: attached `422`, twin `200`');
    for (const file of ['drift.json', 'drift.md', 'attached-ledger.jsonl']) expect(await readFile(join(result.dir, file), 'utf8')).not.toContain(altered.token);
    expect(result.stdout).not.toContain(altered.token);
    expect(await altered.leftovers(5)).toEqual({ accounts: [], users: [] });
  }, 60_000);

  it('a 3.8.0 twin claiming 4.14.2: the 3.8.0 → 4.14.2 differences the profiles name, and no others', async () => {
    const result = await drift(older.url, older.token);
    expect(result.code).toBe(1);
    expect(differing(result.report)).toEqual([
      'health', // 4.11.0
      'inbox-create', // `secret` in the inbox JSON, 4.13.0
      'webhook-message-created', // delivery header 4.12.0, signature and content normalizer 4.13.0
      'contacts-filter-phone', // a sent "+" stripped from 4.7.0
      'conversations-filter-contact-id', // back at 4.14.2
      'filter-query-operator', // checked from 3.16.0
      'contacts-search', // has_more, 4.11.0
      'contact-conversations-order', // last_activity_at desc, 4.0.2
    ]);
    const webhook = result.report!.probes.find((p) => p.id === 'webhook-message-created')!;
    expect(webhook.differences.filter((d) => d.aspect === 'headers').map((d) => d.path)).toEqual([
      'x-chatwoot-delivery',
      'x-chatwoot-timestamp',
      'x-chatwoot-signature',
    ]);
    expect(result.report!.probes.find((p) => p.id === 'health')!.differences.every((d) => !d.verdictRelevant)).toBe(true);
    expect(await older.leftovers(5)).toEqual({ accounts: [], users: [] });
  }, 60_000);

  it('bad input: unreachable URL exit 3, wrong token exit 2 (never echoed), no --chatwoot-url exit 2; nothing created', async () => {
    const unreachable = await drift(`http://127.0.0.1:${await reserveClosedPort()}`, 'any-token');
    expect(unreachable.errorLines).toEqual([expect.stringMatching(/^error EVOCHAT_E_ATTACH_UNREACHABLE: .*did not answer GET \/api: ECONNREFUSED$/)]);
    expect(unreachable.code).toBe(3);
    const wrong = await drift(identical.url, 'not-the-platform-token');
    expect(wrong.errorLines).toEqual([
      expect.stringMatching(/^error EVOCHAT_E_PLATFORM_TOKEN_REFUSED: .*refused the token in EVOCHAT_CHATWOOT_PLATFORM_TOKEN/),
    ]);
    expect(wrong.stderr).not.toContain('not-the-platform-token');
    expect(wrong.code).toBe(2);
    expect(wrong.report).toBeUndefined();
    const cli = startCli('tsx', ['drift'], { [PLATFORM_TOKEN_ENV]: identical.token });
    expect((await cli.exit).code).toBe(2);
    expect(cli.stderr()).toContain('--chatwoot-url');
    expect(await identical.leftovers(5)).toEqual({ accounts: [], users: [] });
  }, 60_000);
});
