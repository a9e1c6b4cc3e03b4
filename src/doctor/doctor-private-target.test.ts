import { afterEach, describe, expect, it } from 'vitest';
import type { DoctorCheck } from './doctor-check.ts';
import { DOCTOR_CHECKS } from './doctor-checks.ts';
import { runDoctor } from './run-doctor.ts';
import { doctorContextFor } from './test-support/doctor-test-context.ts';
import { startTestDeployment, type TestDeployment, type TestDeploymentOptions } from './test-support/start-test-deployment.ts';

const check = (id: string): DoctorCheck => DOCTOR_CHECKS.find((c) => c.id === id)!;

let deployment: TestDeployment | undefined;
afterEach(async () => {
  await deployment?.close();
  deployment = undefined;
});

async function doctor(options: TestDeploymentOptions) {
  deployment = await startTestDeployment(options);
  const ctx = doctorContextFor(deployment);
  const run = await runDoctor(ctx, [check('chatwoot'), check('private-webhook-target')]);
  await ctx.client.close();
  return run.reports.map((report) => report.outcome);
}

/** A live 4.x Chatwoot (its version from GET /api) and the 4.14 refusal of private webhook targets, read-only (chatwoot-3.10-4.x.md §4.3). */
describe('doctor on a Chatwoot 4.x deployment', () => {
  it('4.14.0 on a loopback Evolution: the refused `init` is found in the inbox, with its external_error and the remedy', async () => {
    const [version, refusal] = await doctor({ chatwoot: '4.14.0', evolution: '1.7.5', instance: 'shop' });
    expect(version).toMatchObject({ status: 'pass', summary: 'Chatwoot 4.14.0' });
    // A fresh 4.3+ server says data_services "failing" until its pool is used: not a fault (§M 3).
    expect(refusal!.status).toBe('fail');
    expect(refusal!.summary).toBe("Chatwoot 4.14.0 refuses webhooks to Evolution's private address: replies and bot commands never reach Evolution");
    expect(refusal!.evidence).toEqual(expect.arrayContaining([expect.stringMatching(/external_error "Hostname '127\.0\.0\.1' has no public ip addresses"$/)]));
    expect(refusal!.remedy).toMatch(/^4\.14\.0 has no switch: move to Chatwoot 4\.14\.1 or later and set SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true/);
    expect(refusal!.rule).toBe('chatwoot-refuses-private-webhook-target');
  }, 60_000);

  it('4.14.2 with SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true: nothing refused', async () => {
    const [version, refusal] = await doctor({
      chatwoot: '4.14.2',
      evolution: '1.7.5',
      instance: 'shop',
      chatwootEnv: { SAFE_FETCH_ALLOW_PRIVATE_NETWORK: 'true' },
    });
    expect(version!.status).toBe('pass');
    expect(refusal!.status).toBe('pass');
  }, 60_000);

  it('3.9.0: nothing to refuse', async () => {
    const [, refusal] = await doctor({ chatwoot: '3.9.0', evolution: '1.7.5', instance: 'shop' });
    expect(refusal).toMatchObject({ status: 'pass', summary: 'Chatwoot 3.9.0 delivers webhooks to private addresses (the refusal starts at 4.14.0)' });
  }, 60_000);
});
