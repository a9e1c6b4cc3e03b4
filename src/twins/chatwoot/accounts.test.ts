import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signup, startTestTwin, VERSIONS, type Account, type TestTwin } from './test-support/chatwoot-test-kit.ts';

/** accounts_controller_spec "modifies an account", `_account.json.jbuilder`; measured on 3.7.0–3.9.0 (§M). */
const CONTACT_ID_FILTER = { payload: [{ attribute_key: 'contact_id', filter_operator: 'equal_to', values: ['1'], query_operator: null }] };

describe.each(VERSIONS)('accounts on %s', (version) => {
  let t: TestTwin;
  let admin: Account;
  let other: Account;
  const path = (account = admin) => `/api/v1/accounts/${account.accountId}`;
  beforeAll(async () => {
    t = await startTestTwin(version);
    admin = await signup(t.url);
    other = await signup(t.url);
  });
  afterAll(() => t.twin.close());

  it('GET shows the account; subscribed_features only from 3.9.0; latest_chatwoot_version null offline', async () => {
    const answer = await call(t.url, 'GET', path(), { token: admin.token });
    expect(answer.status).toBe(200);
    const keys = [
      'auto_resolve_duration',
      'cache_keys',
      'created_at',
      'domain',
      'features',
      'id',
      'latest_chatwoot_version',
      'locale',
      'name',
      'status',
      'support_email',
    ];
    expect(Object.keys(answer.json).sort()).toEqual((version === '3.9.0' ? [...keys, 'subscribed_features'] : keys).sort());
    expect(answer.json).toMatchObject({ id: admin.accountId, locale: 'en', latest_chatwoot_version: null, status: 'active' });
  });

  it('PATCH and PUT update locale and name (administrator), answer the account, and later 422s follow the locale', async () => {
    const patched = await call(t.url, 'PATCH', path(), { token: admin.token, json: { locale: 'pt_BR', name: 'Renomeada', industry: 'it' } });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ id: admin.accountId, locale: 'pt_BR', name: 'Renomeada', custom_attributes: { industry: 'it', plan_name: null } });
    expect(patched.json).not.toHaveProperty('latest_chatwoot_version');
    expect((await call(t.url, 'GET', path(), { token: admin.token })).json).toMatchObject({ locale: 'pt_BR', name: 'Renomeada' });
    const filter = await call(t.url, 'POST', `${path()}/conversations/filter`, { token: admin.token, json: CONTACT_ID_FILTER });
    if (version === '3.7.0') expect(filter.status).toBe(200);
    else expect(filter.json.error).toMatch(/^Chave de atributo inválido - \[contact_id\]/);
    const put = await call(t.url, 'PUT', path(), { token: admin.token, json: { locale: 'en' } });
    expect(put).toMatchObject({ status: 200, json: { locale: 'en', name: 'Renomeada' } });
  });

  it('an unknown locale is the enum ArgumentError (500); another account is 404', async () => {
    expect(await call(t.url, 'PATCH', path(), { token: admin.token, json: { locale: 'xx' } })).toMatchObject({
      status: 500,
      json: { status: 500, error: 'Internal Server Error' },
    });
    expect(await call(t.url, 'PATCH', path(other), { token: admin.token, json: { locale: 'pt_BR' } })).toMatchObject({
      status: 404,
      json: { error: 'Resource could not be found' },
    });
  });
});
