import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadResult } from '../report/load-result.ts';
import type { DoctorCheck } from './doctor-check.ts';
import { DOCTOR_CHECKS } from './doctor-checks.ts';
import { runDoctor } from './run-doctor.ts';
import { doctorContextFor } from './test-support/doctor-test-context.ts';
import { startTestDeployment, type TestDeployment, type TestDeploymentOptions } from './test-support/start-test-deployment.ts';

// Hand-made (fixtures/results/README.md); what is tested is reading the stored verdict, not the grid.
const SAMPLE = fileURLToPath(new URL('../../fixtures/results/sample-result.json', import.meta.url));
const check = (section: string, id: string): DoctorCheck => DOCTOR_CHECKS.find((c) => c.section === section && c.id === id)!;

let deployment: TestDeployment | undefined;
afterEach(async () => {
  await deployment?.close();
  deployment = undefined;
});

async function runAlone(options: TestDeploymentOptions, checks: DoctorCheck[], extra: Parameters<typeof doctorContextFor>[1] = {}) {
  deployment = await startTestDeployment(options);
  const ctx = doctorContextFor(deployment, extra);
  const run = await runDoctor(ctx, checks);
  await ctx.client.close();
  return run;
}

describe('doctor finds deliberate faults, each with its remedy', () => {
  it('SERVER_URL with a trailing slash: the inbox webhook has "//", fix SERVER_URL and the inbox', async () => {
    const run = await runAlone({ chatwoot: '3.7.0', evolution: '1.7.5', instance: 'shop', trailingSlashServerUrl: true }, [check('instance', 'webhook-url')]);
    const { outcome } = run.reports[0]!;
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('the webhook URL has "//" (//chatwoot/webhook/shop)');
    expect(outcome.remedy).toMatch(
      /^Remove the trailing "\/" from Evolution's SERVER_URL, .* set the inbox's webhook URL to http:\/\/127\.0\.0\.1:\d+\/chatwoot\/webhook\/shop/,
    );
    expect(outcome.rule).toBe('webhook-double-slash');
    expect(run.exitCode).toBe(1);
  });

  it('a proxy that drops the api_access_token header: the devise 401 told apart from a wrong token', async () => {
    const run = await runAlone({ chatwoot: '3.7.0', evolution: '1.7.5', instance: 'shop', dropUnderscoreHeaders: true }, [
      check('auth', 'chatwoot-token'),
      check('instance', 'chatwoot-settings'),
    ]);
    const [token, settings] = run.reports.map((report) => report.outcome);
    expect(token!.status).toBe('fail');
    expect(token!.summary).toContain('the token is valid, but the `api_access_token` header does not reach Chatwoot');
    expect(token!.evidence).toEqual([
      expect.stringMatching(/with api_access_token → 401 \(devise 401/),
      expect.stringMatching(/with Api-Access-Token → 200 \(accepted\)/),
    ]);
    expect(token!.remedy).toContain('underscores_in_headers on;');
    expect(token!.references).toContain('chatwoot#1057');
    // Evolution's own stored token meets the same proxy.
    expect(settings!.status).toBe('fail');
    expect(settings!.rule).toBe('chatwoot-token-header-dropped');
  });

  it('a wrong token is "Invalid Access Token" in both spellings: not a proxy problem', async () => {
    const run = await runAlone({ chatwoot: '3.8.0', evolution: '1.7.5' }, [check('auth', 'chatwoot-token')], { token: 'not-a-real-token-000000' });
    const { outcome } = run.reports[0]!;
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/does not know this token .* not a proxy problem/);
    expect(outcome.rule).toBe('chatwoot-token-invalid');
  });

  it('Chatwoot 3.8.0 with Evolution 1.7.4: the contact_id break predicted, upgrade Evolution to 1.7.5; the round trip confirms it', async () => {
    const run = await runAlone(
      { chatwoot: '3.8.0', evolution: '1.7.4', instance: 'shop' },
      [check('filter', 'contact-id'), check('writes', 'bot-status-round-trip')],
      { allowWrites: true, roundTripTimeoutMs: 3_000 },
    );
    const [filter, roundTrip] = run.reports.map((report) => report.outcome);
    expect(filter!.status).toBe('fail');
    expect(filter!.summary).toContain('predicted break: Evolution 1.7.4 looks up the bot conversation with contact_id, which Chatwoot 3.8.0 rejects (422)');
    expect(filter!.evidence[0]).toContain('Invalid attribute key - [contact_id]');
    expect(filter!.evidence[1]).toMatch(/Evolution 1\.7\.4 sends POST .*conversations\/filter with contact_id \(1\.7\.4\//);
    expect(filter!.remedy).toBe('Upgrade Evolution to 1.7.5 (PR #582) or stay on Chatwoot 3.7.0');
    expect(roundTrip!.status).toBe('fail');
    expect(roundTrip!.summary).toMatch(/^no bot reply within 3000 ms/);
    expect(deployment!.evolutionLog().some((line) => /ERROR.*\[ChatwootService\]/.test(line))).toBe(true);
  });

  it('the matrix verdict for the pair comes from a result.json: known broken is a warning with the stored diagnosis', async () => {
    const known = { kind: 'loaded' as const, file: SAMPLE, result: await loadResult(SAMPLE) };
    const run = await runAlone({ chatwoot: '3.8.0', evolution: '1.7.4' }, [check('versions', 'matrix-verdict')], { known });
    const { outcome } = run.reports[0]!;
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toMatch(/found Chatwoot 3\.8\.0 × Evolution 1\.7\.4 broken \(3 scenarios\)/);
    expect(outcome.summary).toContain('sim, stand-ins');
    expect(outcome.evidence).toContain('cw3.8.0-evo1.7.4-local: breaks (3 compatibility scenarios broke)');
    // The remedy is the one stored in that result (its own wording), not one from this code.
    expect(outcome.remedy).toContain('Upgrade Evolution API to 1.7.5 (it looks the conversation up with GET contacts/{id}/conversations)');
    expect(run.exitCode).toBe(0);
  });

  it('Chatwoot 3.8.0 with Evolution 1.7.5: Chatwoot rejects contact_id, but this Evolution never sends it', async () => {
    const run = await runAlone({ chatwoot: '3.8.0', evolution: '1.7.5', instance: 'shop' }, [check('filter', 'contact-id')]);
    expect(run.reports[0]!.outcome).toMatchObject({ status: 'pass', summary: 'Chatwoot 3.8.0 rejects contact_id, and Evolution 1.7.5 does not send it' });
  });
});
