import { afterEach, describe, expect, it } from 'vitest';
import { createRedactor } from '../../common/redact.ts';
import { ErrorCodes, ExitCodes } from '../../errors/index.ts';
import { startTestTwin, type TestTwin } from '../../twins/chatwoot/test-support/chatwoot-test-kit.ts';
import { signupCellAccounts } from './cell-accounts.ts';

const started: TestTwin[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.twin.close()));
});

async function twin(env: Record<string, string>): Promise<TestTwin> {
  const t = await startTestTwin('3.8.0', env);
  started.push(t);
  return t;
}

const accountsOn = (t: TestTwin, cells: string[], runId = 'run1') =>
  signupCellAccounts({ url: t.url, urlFromEvolution: t.url, serviceId: 'chatwoot-3.8.0', cells, withPtBr: false, runId, redactor: createRedactor() });

/** The statuses a real Chatwoot answers the harness's signup with (measured on 3.7.0–3.9.0, §M), each a named error. */
describe('signupCellAccounts on Chatwoot refusals', () => {
  it('429 from the signup throttle (the 6th signup from one IP) is EVOCHAT_E_SIGNUP_THROTTLED, exit 3, one line', async () => {
    const t = await twin({});
    const error = await accountsOn(t, ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCodes.signupThrottled, exitCode: ExitCodes.infrastructure });
    expect((error as Error).message).toBe('could not sign up a en account on chatwoot-3.8.0: Chatwoot throttled the signup (429, 5 per 30 minutes per IP)');
    expect((error as { hint?: string }).hint).toContain('ENABLE_RACK_ATTACK=false');
  });

  it('403 "already signed up" is EVOCHAT_E_SIGNUP_REFUSED with upstream’s message', async () => {
    const t = await twin({ ENABLE_RACK_ATTACK: 'false' });
    await accountsOn(t, ['c1']);
    const error = await accountsOn(t, ['c1']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCodes.signupRefused, exitCode: ExitCodes.infrastructure });
    expect((error as Error).message).toMatch(
      /: Chatwoot refused the signup \(403\): You have already signed up for an account with run1-chatwoot-3-8-0-c1@evochat\.test$/,
    );
    expect((error as Error).message).not.toContain('\n');
  });

  it('404 (ENABLE_ACCOUNT_SIGNUP=false) is EVOCHAT_E_SIGNUP_DISABLED', async () => {
    const t = await twin({ ENABLE_ACCOUNT_SIGNUP: 'false' });
    const error = await accountsOn(t, ['c1']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCodes.signupDisabled, exitCode: ExitCodes.infrastructure });
    expect((error as { hint?: string }).hint).toContain('ENABLE_ACCOUNT_SIGNUP=true');
  });
});
