import { afterEach, describe, expect, it } from 'vitest';
import { CHATWOOT_VERSIONS, type ChatwootVersion } from '../../model/axes.ts';
import { call, PASSWORD, startTestTwin, type TestTwin } from './test-support/chatwoot-test-kit.ts';
import { profileFor } from './version-profile.ts';

const started: TestTwin[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.twin.close()));
});

/** A twin with only the env given (no test-kit signup defaults): what an operator's compose file would set. */
async function twin(version: ChatwootVersion, env: Record<string, string>): Promise<TestTwin> {
  const t = await startTestTwin(version, { ENABLE_ACCOUNT_SIGNUP: '', TWIN_INSTALLATION_ENABLE_ACCOUNT_SIGNUP: '', ...env });
  started.push(t);
  return t;
}

let counter = 0;
const signupBody = () => ({ account_name: 'Harness', user_full_name: 'Harness Admin', email: `signup${++counter}@harness.test`, password: PASSWORD });
const signupCall = (t: TestTwin) => call(t.url, 'POST', '/api/v1/accounts', { json: signupBody() });

/** chatwoot-3.10-4.x.md §M 1–3, per profile. */
const SHEET: Record<string, { envDecides: boolean; emailOnly: boolean; lazyDataServices: boolean }> = {
  '3.9.0': { envDecides: true, emailOnly: false, lazyDataServices: false },
  '4.0.4': { envDecides: true, emailOnly: false, lazyDataServices: false },
  '4.12.1': { envDecides: false, emailOnly: false, lazyDataServices: true },
  '4.13.0': { envDecides: false, emailOnly: true, lazyDataServices: true },
  '4.14.2': { envDecides: false, emailOnly: true, lazyDataServices: true },
};

describe.each(Object.keys(SHEET) as ChatwootVersion[])('the account path on %s (chatwoot-3.10-4.x.md §M)', (version) => {
  const sheet = SHEET[version]!;

  it(`ENABLE_ACCOUNT_SIGNUP=true in the env: ${sheet.envDecides ? 'signup works' : '404, the installation config (seeded false) decides'}`, async () => {
    const t = await twin(version, { ENABLE_ACCOUNT_SIGNUP: 'true' });
    const answer = await signupCall(t);
    if (sheet.envDecides) expect(answer.status).toBe(200);
    else {
      expect(answer).toMatchObject({ status: 404, json: { status: 404, error: 'Not Found' } });
      expect(t.log.lines().join('\n')).toContain('ENABLE_ACCOUNT_SIGNUP is ignored from 4.3.0');
    }
  });

  it(`signup enabled in the installation config: ${sheet.emailOnly ? '200 {"email"} only, a session with CW_API_ONLY_SERVER=true or "api_only"' : 'a session'}`, async () => {
    const enabled = await twin(version, { TWIN_INSTALLATION_ENABLE_ACCOUNT_SIGNUP: 'true' });
    const answer = await signupCall(enabled);
    expect(answer.status).toBe(200);
    if (sheet.emailOnly) expect(answer.json).toEqual({ email: expect.stringMatching(/@harness\.test$/) });
    else expect(answer.json.data.access_token).toEqual(expect.any(String));
    const apiOnlyServer = await twin(version, { TWIN_INSTALLATION_ENABLE_ACCOUNT_SIGNUP: 'true', CW_API_ONLY_SERVER: 'true' });
    expect((await signupCall(apiOnlyServer)).json.data.access_token).toEqual(expect.any(String));
    const legacyApiOnly = await twin(version, { TWIN_INSTALLATION_ENABLE_ACCOUNT_SIGNUP: 'api_only' });
    expect((await signupCall(legacyApiOnly)).json.data.access_token).toEqual(expect.any(String));
  });

  it(`GET /api on a fresh server: data_services ${sheet.lazyDataServices ? '"failing" until a request has used the database' : '"ok" at once'}`, async () => {
    const t = await twin(version, {});
    const fresh = await call(t.url, 'GET', '/api');
    expect(fresh.json).toMatchObject({ version, queue_services: 'ok', data_services: sheet.lazyDataServices ? 'failing' : 'ok' });
    // Health routes do not warm the pool; an API call does.
    await call(t.url, 'GET', '/api');
    expect((await call(t.url, 'GET', '/api')).json.data_services).toBe(sheet.lazyDataServices ? 'failing' : 'ok');
    await call(t.url, 'GET', '/api/v1/profile');
    expect((await call(t.url, 'GET', '/api')).json.data_services).toBe('ok');
  });
});

describe.each(CHATWOOT_VERSIONS)('the Platform API on %s (chatwoot-3.7-3.9.md §6 B)', (version) => {
  const token = 'platform-token-for-tests-1234';
  const platform = (t: TestTwin, method: string, path: string, json?: unknown, auth = token) =>
    call(t.url, method, `/platform/api/v1${path}`, { headers: { api_access_token: auth }, ...(json === undefined ? {} : { json }) });

  it('provisions an account, a confirmed user with a working token and its membership; deletes the account', async () => {
    const t = await twin(version, { TWIN_PLATFORM_TOKEN: token });
    expect(await platform(t, 'POST', '/accounts', { name: 'x' }, 'wrong')).toMatchObject({ status: 401, json: { error: 'Invalid access_token' } });
    const account = await platform(t, 'POST', '/accounts', { name: 'evochat cell', locale: 'pt_BR' });
    expect(account).toMatchObject({ status: 200, json: { id: expect.any(Number), name: 'evochat cell', locale: 'pt_BR' } });
    const user = await platform(t, 'POST', '/users', { name: 'evochat', email: `platform-${version}@harness.test`, password: PASSWORD });
    expect(user).toMatchObject({ status: 200, json: { id: expect.any(Number), confirmed: true, access_token: expect.any(String) } });
    const membership = await platform(t, 'POST', `/accounts/${account.json.id}/account_users`, { user_id: user.json.id, role: 'administrator' });
    expect(membership).toMatchObject({ status: 200, json: { account_id: account.json.id, user_id: user.json.id, role: 'administrator' } });

    // The user's token works on the account API at once, as an administrator, and the account's locale decides the 422 language.
    const inbox = await call(t.url, 'POST', `/api/v1/accounts/${account.json.id}/inboxes/`, {
      token: user.json.access_token,
      json: { name: 'evolution', channel: { type: 'api', webhook_url: '' } },
    });
    expect(inbox.status).toBe(200);
    const filter = await call(t.url, 'POST', `/api/v1/accounts/${account.json.id}/conversations/filter`, {
      token: user.json.access_token,
      json: { payload: [{ attribute_key: 'nope', filter_operator: 'equal_to', values: ['1'], query_operator: null }] },
    });
    // 3.7.0 validates nothing: the unknown key reaches SQL (500, chatwoot-3.7-3.9.md §M).
    if (profileFor(version).validatesFilters) expect(filter.json.error).toMatch(/^Chave de atributo inválido - \[nope\]/);
    else expect(filter.status).toBe(500);

    expect((await platform(t, 'GET', `/accounts/${account.json.id}`)).json.id).toBe(account.json.id);
    expect((await platform(t, 'DELETE', `/accounts/${account.json.id}`)).status).toBe(200);
    expect((await call(t.url, 'GET', `/api/v1/accounts/${account.json.id}/inboxes`, { token: user.json.access_token })).status).toBe(404);
  });

  it('has no PlatformApp without TWIN_PLATFORM_TOKEN; refuses rows the app did not create', async () => {
    const none = await twin(version, {});
    expect(await platform(none, 'POST', '/accounts', { name: 'x' })).toMatchObject({ status: 401, json: { error: 'Invalid access_token' } });
    const t = await twin(version, { TWIN_PLATFORM_TOKEN: token, TWIN_INSTALLATION_ENABLE_ACCOUNT_SIGNUP: 'api_only', ENABLE_ACCOUNT_SIGNUP: 'api_only' });
    const signedUp = await signupCall(t);
    expect(await platform(t, 'GET', `/accounts/${signedUp.json.data.account_id}`)).toMatchObject({ status: 401, json: { error: 'Non permissible resource' } });
  });
});
