import { afterEach, describe, expect, it } from 'vitest';
import { call, PASSWORD, signup, startTestTwin, VERSIONS, type TestTwin } from './test-support/chatwoot-test-kit.ts';

const started: TestTwin[] = [];
async function twinOf(...args: Parameters<typeof startTestTwin>): Promise<TestTwin> {
  const twin = await startTestTwin(...args);
  started.push(twin);
  return twin;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.twin.close()));
});

function form(fields: Record<string, string>) {
  return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() };
}

describe('health', () => {
  it.each(VERSIONS)('GET /api reports version %s and the upstream timestamp format', async (version) => {
    const { url } = await twinOf(version);
    const answer = await call(url, 'GET', '/api');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ version, timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/), queue_services: 'ok', data_services: 'ok' });
  });

  it('says in the startup log that TWIN_VERSION defaulted to 3.9.0', async () => {
    const { log, url } = await twinOf('3.9.0', { TWIN_VERSION: '' });
    expect((await call(url, 'GET', '/api')).json.version).toBe('3.9.0');
    expect(log.lines().join('\n')).toContain('TWIN_VERSION not set: defaulting to 3.9.0');
  });
});

describe('GET /auth/sign_in', () => {
  it('answers 405 on 3.7.0', async () => {
    const { url } = await twinOf('3.7.0');
    const answer = await call(url, 'GET', '/auth/sign_in');
    expect(answer.status).toBe(405);
    expect(answer.json).toEqual({ success: false, errors: ['Use POST /sign_in to sign in. GET is not supported.'] });
  });

  it.each(['3.8.0', '3.9.0'] as const)('redirects to the login page on %s', async (version) => {
    const { url } = await twinOf(version, { FRONTEND_URL: 'http://chatwoot.test:3000' });
    const answer = await call(url, 'GET', '/auth/sign_in');
    expect(answer.status).toBe(302);
    expect(answer.headers.location).toBe('http://chatwoot.test:3000/app/login?error=access-denied');
  });
});

describe('onboarding + sign-in (fresh install, §6 C)', () => {
  const user = { 'user[name]': 'Admin', 'user[company]': 'Acme', 'user[email]': 'Admin@Acme.test', 'user[password]': PASSWORD };

  it('creates a SuperAdmin and an account in DEFAULT_LOCALE once, then sign-in returns the token', async () => {
    const { url } = await twinOf('3.8.0', { DEFAULT_LOCALE: 'pt_BR' });
    const onboarding = await call(url, 'POST', '/installation/onboarding', form(user));
    expect(onboarding.status).toBe(302);
    expect(onboarding.headers.location).toBe(`${url}/`);

    const signIn = await call(url, 'POST', '/auth/sign_in', { json: { email: 'admin@acme.test', password: PASSWORD } });
    expect(signIn.status).toBe(200);
    expect(signIn.json.data).toMatchObject({ email: 'admin@acme.test', type: 'SuperAdmin', role: 'administrator', confirmed: true });
    const { access_token: token, account_id: accountId } = signIn.json.data;
    expect(token).toMatch(/^[1-9A-HJ-NP-Za-km-z]{24}$/);

    // The account speaks pt_BR: the 3.8 filter error comes back in Portuguese.
    const filter = await call(url, 'POST', `/api/v1/accounts/${accountId}/conversations/filter`, {
      token,
      json: { payload: [{ attribute_key: 'contact_id', filter_operator: 'equal_to', values: ['1'], query_operator: null }] },
    });
    expect(filter.status).toBe(422);
    expect(filter.json.error).toMatch(/^Chave de atributo inválido - \[contact_id\]/);

    // A second onboarding is refused: redirect, nothing created.
    const again = await call(url, 'POST', '/installation/onboarding', form({ ...user, 'user[email]': 'other@acme.test' }));
    expect(again.status).toBe(302);
    expect((await call(url, 'POST', '/auth/sign_in', { json: { email: 'other@acme.test', password: PASSWORD } })).status).toBe(401);
  });

  it('enforces the password rules and leaves the install pending', async () => {
    const { url } = await twinOf('3.7.0');
    await call(url, 'POST', '/installation/onboarding', form({ ...user, 'user[password]': 'password' }));
    expect((await call(url, 'POST', '/auth/sign_in', { json: { email: 'admin@acme.test', password: 'password' } })).status).toBe(401);
    expect((await call(url, 'POST', '/installation/onboarding', form(user))).status).toBe(302);
    expect((await call(url, 'POST', '/auth/sign_in', { json: { email: 'admin@acme.test', password: PASSWORD } })).status).toBe(200);
  });

  it('rejects bad credentials with devise_token_auth body', async () => {
    const { url } = await twinOf('3.9.0');
    const answer = await call(url, 'POST', '/auth/sign_in', { json: { email: 'nobody@acme.test', password: 'x' } });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ success: false, errors: ['Invalid login credentials. Please try again.'] });
  });

  it('throttles sign-in to 5 per 5 minutes per IP when rack-attack is on, and not when off', async () => {
    const on = await twinOf('3.8.0');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await call(on.url, 'POST', '/auth/sign_in', { json: { email: `x${i}@a.test`, password: 'x' } })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const throttled = await call(on.url, 'POST', '/auth/sign_in', { json: { email: 'y@a.test', password: 'x' } });
    expect(throttled.text).toBe('Retry later\n');

    const off = await twinOf('3.8.0', { ENABLE_RACK_ATTACK: 'false' });
    for (let i = 0; i < 6; i++) expect((await call(off.url, 'POST', '/auth/sign_in', { json: { email: `x${i}@a.test`, password: 'x' } })).status).toBe(401);
  });
});

describe('signup (POST /api/v1/accounts, §6 D)', () => {
  it('is a 404 when ENABLE_ACCOUNT_SIGNUP is false (the default)', async () => {
    const { url } = await twinOf('3.8.0', { ENABLE_ACCOUNT_SIGNUP: 'false' });
    const answer = await call(url, 'POST', '/api/v1/accounts', { json: { account_name: 'A', user_full_name: 'B', email: 'a@b.test', password: PASSWORD } });
    expect(answer.status).toBe(404);
  });

  it.each(['true', 'api_only'])('with ENABLE_ACCOUNT_SIGNUP=%s returns the new administrator token and account id', async (mode) => {
    const { url } = await twinOf('3.9.0', { ENABLE_ACCOUNT_SIGNUP: mode });
    const answer = await call(url, 'POST', '/api/v1/accounts', {
      json: { account_name: 'Acme', user_full_name: 'Ann', email: 'ann@acme.test', password: PASSWORD },
    });
    expect(answer.status).toBe(200);
    expect(answer.json.data).toMatchObject({ email: 'ann@acme.test', account_id: 1, role: 'administrator', confirmed: false });
    expect(answer.json.data.access_token).toMatch(/^\w{24}$/);
    const profile = await call(url, 'GET', '/api/v1/profile', { token: answer.json.data.access_token });
    expect(profile.status).toBe(200);
    expect(profile.json.accounts).toEqual([expect.objectContaining({ id: 1, name: 'Acme', role: 'administrator' })]);
    // The user is unconfirmed: the token works, password sign-in does not yet.
    const signIn = await call(url, 'POST', '/auth/sign_in', { json: { email: 'ann@acme.test', password: PASSWORD } });
    expect(signIn.status).toBe(401);
    expect(signIn.json.errors[0]).toContain('A confirmation email was sent');
  });

  it('creates the account in the request locale: ?locale=pt_BR, else DEFAULT_LOCALE', async () => {
    const { url } = await twinOf('3.8.0', { DEFAULT_LOCALE: 'en' });
    const filterBody = { payload: [{ attribute_key: 'contact_id', filter_operator: 'equal_to', values: ['1'], query_operator: null }] };
    const ptBr = await signup(url, { locale: 'pt_BR' });
    const en = await signup(url);
    const pt = await call(url, 'POST', `/api/v1/accounts/${ptBr.accountId}/conversations/filter`, { token: ptBr.token, json: filterBody });
    const english = await call(url, 'POST', `/api/v1/accounts/${en.accountId}/conversations/filter`, { token: en.token, json: filterBody });
    expect(pt.json.error).toMatch(/^Chave de atributo inválido/);
    expect(english.json.error).toMatch(/^Invalid attribute key/);

    const ptDefault = await twinOf('3.8.0', { DEFAULT_LOCALE: 'pt_BR' });
    const account = await signup(ptDefault.url);
    const answer = await call(ptDefault.url, 'POST', `/api/v1/accounts/${account.accountId}/conversations/filter`, { token: account.token, json: filterBody });
    expect(answer.json.error).toMatch(/^Chave de atributo inválido/);
  });

  it('throttles signup to 5 per 30 minutes per IP', async () => {
    const { url } = await twinOf('3.9.0');
    for (let i = 0; i < 5; i++) await signup(url);
    const sixth = await call(url, 'POST', '/api/v1/accounts', { json: { account_name: 'A', user_full_name: 'B', email: 'six@b.test', password: PASSWORD } });
    expect(sixth.status).toBe(429);
    expect(sixth.headers['content-type']).toBe('text/plain');
    expect(sixth.headers['retry-after']).toBeUndefined();
  });
});
