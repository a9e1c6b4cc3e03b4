import { afterEach, describe, expect, it } from 'vitest';
import { createRedactor } from '../../common/redact.ts';
import { ErrorCodes, ExitCodes } from '../../errors/index.ts';
import { CHATWOOT_VERSIONS, type ChatwootVersion } from '../../model/axes.ts';
import { call, startTestTwin, type TestTwin } from '../../twins/chatwoot/test-support/chatwoot-test-kit.ts';
import { provisionCellAccounts } from './cell-accounts.ts';

const PLATFORM_TOKEN = 'cell-accounts-platform-token';
const started: TestTwin[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.twin.close()));
});

/** A twin as the backends start it: no signup anywhere, a PlatformApp preset. */
async function twin(version: ChatwootVersion, env: Record<string, string> = {}): Promise<TestTwin> {
  const t = await startTestTwin(version, {
    ENABLE_ACCOUNT_SIGNUP: '',
    TWIN_INSTALLATION_ENABLE_ACCOUNT_SIGNUP: '',
    TWIN_PLATFORM_TOKEN: PLATFORM_TOKEN,
    ...env,
  });
  started.push(t);
  return t;
}

const provision = (t: TestTwin, cells: string[], options: { withPtBr?: boolean; token?: string; runId?: string } = {}) =>
  provisionCellAccounts({
    url: t.url,
    urlFromEvolution: t.url,
    serviceId: 'chatwoot-x',
    cells,
    withPtBr: options.withPtBr ?? false,
    runId: options.runId ?? 'run1',
    redactor: createRedactor(),
    platformToken: options.token ?? PLATFORM_TOKEN,
  });

describe('cell accounts through the Platform API', () => {
  it.each(CHATWOOT_VERSIONS)('on %s: an administrator per cell with a working token, a shared pt_BR account; removed at the end', async (version) => {
    const t = await twin(version);
    const accounts = await provision(t, ['c1', 'c2'], { withPtBr: true });
    expect([...accounts.accounts.keys()]).toEqual(['c1', 'c2']);
    const c1 = accounts.accounts.get('c1')!;
    expect(new Set([c1.accountId, accounts.accounts.get('c2')!.accountId, accounts.ptBr!.accountId]).size).toBe(3);
    const inbox = await call(t.url, 'POST', `/api/v1/accounts/${c1.accountId}/inboxes/`, {
      token: c1.token,
      json: { name: 'evolution', channel: { type: 'api', webhook_url: '' } },
    });
    expect(inbox.status, 'an administrator creates inboxes').toBe(200);
    const account = await call(t.url, 'GET', `/api/v1/accounts/${accounts.ptBr!.accountId}`, { token: accounts.ptBr!.token });
    expect(account.json.locale).toBe('pt_BR');
    await accounts.remove();
    expect((await call(t.url, 'GET', `/api/v1/accounts/${c1.accountId}/inboxes`, { token: c1.token })).status).toBe(404);
  });

  it('a refused PlatformApp token is EVOCHAT_E_PLATFORM_TOKEN_REFUSED, exit 3, one line, no secret', async () => {
    const t = await twin('4.14.2');
    const error = await provision(t, ['c1'], { token: 'not-the-token' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCodes.platformTokenRefused, exitCode: ExitCodes.infrastructure });
    expect((error as Error).message).toBe(
      'could not provision the en account of c1 on chatwoot-x through the Platform API: Chatwoot refused the PlatformApp token (401 Invalid access_token)',
    );
    expect((error as Error).message).not.toContain('not-the-token');
  });

  it('another refusal (the cell user exists already) is EVOCHAT_E_BOOTSTRAP with upstream’s answer', async () => {
    const t = await twin('3.8.0');
    await provision(t, ['c1']);
    const error = await provision(t, ['c1']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCodes.bootstrap, exitCode: ExitCodes.infrastructure });
    expect((error as Error).message).toContain('Email has already been taken');
    expect((error as Error).message).not.toContain('\n');
  });
});
