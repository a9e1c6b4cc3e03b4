import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, PASSWORD, startTestTwin, VERSIONS, type TestTwin } from './test-support/chatwoot-test-kit.ts';

/**
 * `POST /api/v1/accounts` as upstream 3.7.0–3.9.0 answered it, run from source (chatwoot-3.7-3.9.md §M;
 * accounts_controller.rb, account_builder.rb, lib/custom_exceptions/account.rb). Identical in every version.
 */
const INVALID_PARAMS = { message: 'Invalid, please check the signup paramters and try again' };
/** devise-secure_password's texts for "abc" (measured): note the two spaces before each dictionary. */
const WEAK_ABC = [
  'Password must contain at least 6 characters',
  'Password must contain at least 1 uppercase character  (A..Z)',
  'Password must contain at least 1 number character  (0..9)',
  'Password must contain at least 1 special character  ( !@#$%^&*()_+-=[]{}|"/\\.,`<>:;?~\')',
];

describe.each(VERSIONS)('signup on %s', (version) => {
  let t: TestTwin;
  let ip = 0;
  // rack-attack keys the signup throttle by Rack's client IP, which looks through X-Forwarded-For from loopback.
  const signupCall = (json: Record<string, unknown>, query = '') =>
    call(t.url, 'POST', `/api/v1/accounts${query}`, { json, headers: { 'x-forwarded-for': `10.0.0.${++ip}` } });
  const body = (email: string, extra: Record<string, unknown> = {}) => ({ account_name: 'Acme', user_full_name: 'Ann', email, password: PASSWORD, ...extra });

  beforeAll(async () => {
    t = await startTestTwin(version);
  });
  afterAll(() => t.twin.close());

  it('answers 403 {"message"} for missing names, an invalid or missing email and an email already signed up', async () => {
    expect(await signupCall({})).toMatchObject({ status: 403, json: INVALID_PARAMS });
    expect(await signupCall({ email: 'x@acme.test', password: PASSWORD })).toMatchObject({ status: 403, json: INVALID_PARAMS });
    const invalid = { status: 403, json: { message: 'You have entered an invalid email' } };
    expect(await signupCall(body('not-an-email'))).toMatchObject(invalid);
    expect(await signupCall({ account_name: 'Acme', user_full_name: 'Ann', password: PASSWORD })).toMatchObject(invalid);
    expect((await signupCall(body('first@acme.test'))).status).toBe(200);
    const again = await signupCall(body('first@acme.test'));
    expect(again).toMatchObject({ status: 403, json: { message: 'You have already signed up for an account with first@acme.test' } });
    expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('one name is enough (ensure_account_name), and a blank name is stored as such', async () => {
    const onlyUser = await signupCall({ user_full_name: 'Solo', email: 'solo@acme.test', password: PASSWORD });
    expect(onlyUser.status).toBe(200);
    expect(onlyUser.json.data.accounts).toEqual([expect.objectContaining({ name: '' })]);
    const onlyAccount = await signupCall({ account_name: 'Org', email: 'org@acme.test', password: PASSWORD });
    expect(onlyAccount.json.data).toMatchObject({ name: '', accounts: [expect.objectContaining({ name: 'Org' })] });
  });

  it('record errors are 422: the password rules (also for the confirmation) and the same email in another case', async () => {
    const weak = await signupCall(body('weak@acme.test', { password: 'abc' }));
    expect(weak.status).toBe(422);
    expect(weak.json).toEqual({
      message: [...WEAK_ABC, ...WEAK_ABC.map((m) => m.replace(/^Password/, 'Password confirmation'))].join(', '),
      attributes: ['password', 'password_confirmation'],
    });
    expect((await signupCall(body('case@acme.test'))).status).toBe(200);
    // User.exists?(email:) is case-sensitive; the model downcases, then its uniqueness check fails.
    expect(await signupCall(body('CASE@acme.test'))).toMatchObject({ status: 422, json: { message: 'Email has already been taken', attributes: ['email'] } });
  });

  it('success: accounts/create.json.jbuilder with accounts[].locale, and the devise-token-auth headers', async () => {
    const answer = await signupCall(body('shape@acme.test'), '?locale=pt_BR');
    expect(answer.status).toBe(200);
    const data = answer.json.data;
    expect(Object.keys(data).sort()).toEqual(
      [
        'access_token',
        'account_id',
        'accounts',
        'avatar_url',
        'confirmed',
        'created_at',
        'display_name',
        'email',
        'id',
        'inviter_id',
        'name',
        'provider',
        'pubsub_token',
        'role',
        'uid',
      ].sort(),
    );
    expect(data).toMatchObject({ provider: 'email', uid: 'shape@acme.test', role: 'administrator', confirmed: false, inviter_id: null });
    expect(data.accounts).toEqual([{ id: data.account_id, name: 'Acme', active_at: null, role: 'administrator', locale: 'pt_BR' }]);
    expect(answer.headers['access-token']).toEqual(expect.any(String));
    expect(answer.headers.client).toEqual(expect.any(String));
    expect(answer.headers.uid).toBe('shape@acme.test');
    expect(answer.headers['token-type']).toBe('Bearer');
    const bodyLocale = await signupCall(body('bodylocale@acme.test', { locale: 'pt_BR' }));
    expect(bodyLocale.json.data.accounts[0].locale).toBe('pt_BR');
  });

  it('the 6th signup from one IP within 30 minutes is 429 "Retry later", failed attempts included', async () => {
    const sameIp = { 'x-forwarded-for': '10.9.9.9' };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await call(t.url, 'POST', '/api/v1/accounts', { json: {}, headers: sameIp })).status);
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429]);
    const throttled = await call(t.url, 'POST', '/api/v1/accounts', { json: {}, headers: sameIp });
    expect(throttled).toMatchObject({ status: 429, text: 'Retry later\n' });
    expect(throttled.headers['content-type']).toBe('text/plain');
    // Another forwarded address is another bucket.
    expect((await call(t.url, 'POST', '/api/v1/accounts', { json: {}, headers: { 'x-forwarded-for': '10.9.9.10' } })).status).toBe(403);
  });
});
