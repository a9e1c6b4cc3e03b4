import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../../cli/test-support/cli-process.ts';
import { reserveClosedPort } from '../../common/closed-port.ts';
import type { RunResult } from '../../model/result-schema.ts';
import { EVOLUTION_KEY_ENV, PLATFORM_TOKEN_ENV } from './attach-credentials.ts';
import { LEDGER_FILE, readLedgerFile } from './attach-ledger.ts';
import { ATTACHED_EVOLUTION_PEER_REASON } from './attached-evolution.ts';
import { startExternalChatwootTwin, startExternalEvolutionTwin, type ExternalEvolutionTwin, type ExternalTwin } from './test-support/external-twin.ts';

/**
 * `run --chatwoot-url … --evolution-url …` (issue 20): both services attached, each a twin started as an external server
 * talking to the other directly (Chatwoot's webhooks go to Evolution's own SERVER_URL). The run creates its instances with
 * a run-unique prefix, ledgers and deletes them; whatsappPeer scenarios skip with the reason.
 */
describe('run with an attached Evolution beside the attached Chatwoot', () => {
  let chatwoot: ExternalTwin;
  let evolution: ExternalEvolutionTwin;
  let out: string;

  beforeAll(async () => {
    [chatwoot, evolution] = await Promise.all([startExternalChatwootTwin({ version: '3.8.0' }), startExternalEvolutionTwin({ version: '1.7.5' })]);
    out = await mkdtemp(join(tmpdir(), 'evochat-attach-evolution-'));
  }, 90_000);

  afterAll(async () => {
    await Promise.all([chatwoot?.stop(), evolution?.stop()]);
    await rm(out, { recursive: true, force: true });
  });

  async function cli(args: string[], key = evolution.key) {
    const child = startCli('tsx', ['run', '--chatwoot-url', chatwoot.url, '--no-progress', ...args], {
      [PLATFORM_TOKEN_ENV]: chatwoot.token,
      [EVOLUTION_KEY_ENV]: key,
    });
    const { code } = await child.exit;
    const stderr = child.stderr();
    return { code, stdout: child.stdout(), stderr, errorLines: stderr.split('\n').filter((line) => line.startsWith('error ')) };
  }

  describe('a normal run', () => {
    let ran: Awaited<ReturnType<typeof cli>>;
    let result: RunResult;
    const dir = () => join(out, 'normal');

    beforeAll(async () => {
      ran = await cli(['--evolution-url', evolution.url, '--suite', 'auth,instance-bootstrap,bot-command,inbound-sync', '--out', dir()]);
      result = JSON.parse(await readFile(join(dir(), 'result.json'), 'utf8')) as RunResult;
    }, 240_000);

    it('runs the one cell the two servers make, labelled attached on both sides and not a stand-in, exit 0', () => {
      expect(ran.errorLines).toEqual([]);
      expect(ran.code).toBe(0);
      expect(result.cells.map((cell) => [cell.id, cell.verdict])).toEqual([['cw3.8.0-evo1.7.5-local', 'pass']]);
      expect(result).toMatchObject({
        backend: 'attach',
        standIns: false,
        attached: { evolution: { url: evolution.url, reportedVersion: '1.7.5', label: `attached: Evolution 1.7.5 at ${evolution.url}` } },
      });
      expect(ran.stdout).toContain(`attached: Chatwoot 3.8.0 at ${chatwoot.url}; attached: Evolution 1.7.5 at ${evolution.url}`);
    });

    it('runs what needs no WhatsApp (bootstrap, the bot round trip) and skips the simulated-peer scenarios with the reason', () => {
      const scenarios = result.cells[0]!.scenarios;
      const status = Object.fromEntries(scenarios.map((scenario) => [scenario.id, scenario.status]));
      // inbox-created checks webhook_url against the SERVER_URL the preflight read from the attached Evolution.
      for (const id of ['create-returns-201', 'inbox-created', 'bot-contact-and-conversation', 'init-message'])
        expect(status[`instance-bootstrap/${id}`]).toBe('pass');
      expect(status['bot-command/status-round-trip']).toBe('pass');
      const inbound = scenarios.filter((scenario) => scenario.id.startsWith('inbound-sync/'));
      expect(inbound.length).toBeGreaterThan(0);
      for (const scenario of inbound) expect(scenario).toMatchObject({ status: 'skipped', skipReason: ATTACHED_EVOLUTION_PEER_REASON });
    });

    it('ledgers every instance it created (run-unique names) and deletes them, with the accounts; nothing is left on either server', async () => {
      const ledger = readLedgerFile(join(dir(), LEDGER_FILE));
      expect(ledger.evolutionUrl).toBe(evolution.url);
      expect(ledger.pending).toEqual([]);
      const lines = (await readFile(join(dir(), LEDGER_FILE), 'utf8')).split('\n').filter(Boolean);
      const instances = lines
        .map((line) => JSON.parse(line) as { op: string; kind?: string; label?: string })
        .filter((line) => line.op === 'created' && line.kind === 'instance');
      const runTag = result.runId
        .replace(/[^a-z0-9]/gi, '')
        .slice(-6)
        .toLowerCase();
      expect(instances.length).toBeGreaterThan(1);
      for (const line of instances) expect(line.label).toMatch(new RegExp(`^(evochat-preflight-[0-9a-f]+|.*-${runTag}-.*)$`));
      expect(await evolution.instances()).toEqual([]);
      expect(await chatwoot.leftovers(12)).toEqual({ accounts: [], users: [] });
      expect(ran.stderr).toMatch(/attached: removed \d+ account\(s\) and user\(s\) .*, [1-9]\d* instance\(s\) on /);
    });

    it('writes neither the platform token nor the Evolution key into any artifact', async () => {
      const leaks: string[] = [];
      for (const entry of await readdir(dir(), { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const text = await readFile(join(entry.parentPath, entry.name), 'utf8');
        if (text.includes(chatwoot.token) || text.includes(evolution.key)) leaks.push(entry.name);
      }
      expect(leaks).toEqual([]);
      expect(ran.stdout + ran.stderr).not.toContain(evolution.key);
    });
  });

  it("a Chatwoot that cannot reach the attached Evolution's SERVER_URL: EVOCHAT_E_ATTACH_PREFLIGHT (3) naming it; nothing left on either", async () => {
    const closed = `http://127.0.0.1:${await reserveClosedPort()}`;
    const deaf = await startExternalEvolutionTwin({ version: '1.7.5', env: { SERVER_URL: closed } });
    try {
      const ran = await cli(['--evolution-url', deaf.url, '--suite', 'auth', '--out', join(out, 'deaf')], deaf.key);
      expect(ran.errorLines).toEqual([
        expect.stringMatching(
          new RegExp(
            `^error EVOCHAT_E_ATTACH_PREFLIGHT: preflight: the attached Chatwoot at .* cannot reach the attached Evolution at ${closed}: no reaction to a webhook within \\d+ ms`,
          ),
        ),
      ]);
      expect(ran.stderr).toContain("hint: the two servers talk to each other directly: Evolution's SERVER_URL must be an address Chatwoot reaches");
      expect(ran.code).toBe(3);
      expect(await deaf.instances()).toEqual([]);
      expect(await chatwoot.leftovers(16)).toEqual({ accounts: [], users: [] });
    } finally {
      await deaf.stop();
    }
  }, 120_000);

  it('bad input, before anything is created: unreachable (3), a wrong key (2, never echoed), credentials in the URL (2), --evolution beside it (2)', async () => {
    const unreachable = await cli(['--evolution-url', `http://127.0.0.1:${await reserveClosedPort()}`, '--out', join(out, 'b1')]);
    expect(unreachable.errorLines).toEqual([
      expect.stringMatching(/^error EVOCHAT_E_ATTACH_UNREACHABLE: the attached Evolution at .* did not answer GET \/: ECONNREFUSED$/),
    ]);
    expect(unreachable.code).toBe(3);
    const wrong = await cli(['--evolution-url', evolution.url, '--out', join(out, 'b2')], 'not-the-global-key');
    expect(wrong.errorLines).toEqual([
      expect.stringMatching(/^error EVOCHAT_E_EVOLUTION_KEY_REFUSED: the attached Evolution at .* refused the key in EVOCHAT_EVOLUTION_KEY \(401 /),
    ]);
    expect(wrong.stderr).not.toContain('not-the-global-key');
    expect(wrong.code).toBe(2);
    const withCredentials = await cli(['--evolution-url', evolution.url.replace('http://', 'http://admin:hunter22@'), '--out', join(out, 'b3')]);
    expect(withCredentials.errorLines).toEqual([
      expect.stringMatching(/^error EVOCHAT_E_ATTACH_URL_CREDENTIALS: --evolution-url: the URL carries credentials/),
    ]);
    expect(withCredentials.stderr).not.toContain('hunter22');
    expect(withCredentials.code).toBe(2);
    const both = await cli(['--evolution-url', evolution.url, '--evolution', '1.7.4', '--out', join(out, 'b4')]);
    expect(both.errorLines).toEqual([
      'error EVOCHAT_E_USAGE: --evolution and --evolution-url exclude each other: the attached Evolution (1.7.5) is the Evolution axis',
    ]);
    expect(both.code).toBe(2);
    expect(await evolution.instances()).toEqual([]);
    expect(await chatwoot.leftovers(12)).toEqual({ accounts: [], users: [] });
  }, 120_000);
});
