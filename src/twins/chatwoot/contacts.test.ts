import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatwootVersion } from '../../model/axes.ts';
import {
  call,
  createContact,
  createConversation,
  createInbox,
  signup,
  startTestTwin,
  type Account,
  type JsonBody,
  type TestTwin,
} from './test-support/chatwoot-test-kit.ts';

describe('contacts (identical in all versions)', () => {
  let t: TestTwin;
  let account: Account;
  let inbox: JsonBody;
  const path = (suffix = '') => `/api/v1/accounts/${account.accountId}/contacts${suffix}`;

  beforeAll(async () => {
    t = await startTestTwin('3.8.0');
    account = await signup(t.url);
    inbox = await createInbox(t.url, account, 'evolution');
  });
  afterAll(() => t.twin.close());

  it('create wraps contact and contact_inbox in payload; source_id is a UUID unless given', async () => {
    const answer = await call(t.url, 'POST', path(), {
      token: account.token,
      json: { inbox_id: inbox.id, name: 'EvolutionAPI', phone_number: '+123456', avatar_url: 'https://evolution-api.com/files/evolution-api-favicon.png' },
    });
    expect(answer.status).toBe(200);
    const { contact, contact_inbox: contactInbox } = answer.json.payload;
    expect(contact).toMatchObject({ name: 'EvolutionAPI', phone_number: '+123456', email: null, identifier: null, thumbnail: '', custom_attributes: {} });
    expect(contact.contact_inboxes).toEqual([
      { source_id: contactInbox.source_id, inbox: expect.objectContaining({ id: inbox.id, channel_type: 'Channel::Api' }) },
    ]);
    expect(contactInbox.source_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(contactInbox.inbox).toMatchObject({ id: inbox.id, account_id: account.accountId, channel_type: 'Channel::Api' });
    expect(contactInbox.inbox.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);

    const withSource = await call(t.url, 'POST', path(), { token: account.token, json: { inbox_id: inbox.id, name: 'S', source_id: 'my-source' } });
    expect(withSource.json.payload.contact_inbox.source_id).toBe('my-source');
  });

  it('accepts e164 anywhere at the end (no start anchor) and rejects the rest', async () => {
    expect((await call(t.url, 'POST', path(), { token: account.token, json: { name: 'A', phone_number: '00+5511987654321' } })).status).toBe(200);
    for (const bad of ['5511987654322', '+0511987654321', '+55119876543210123']) {
      const answer = await call(t.url, 'POST', path(), { token: account.token, json: { name: 'B', phone_number: bad } });
      expect(answer, bad).toMatchObject({ status: 422, json: { message: 'Phone number should be in e164 format', attributes: ['phone_number'] } });
    }
  });

  it('phone, email and identifier are unique per account (422 message + attributes), not across accounts', async () => {
    await createContact(t.url, account, { name: 'U', phone_number: '+5521999990000', email: 'u@x.test', identifier: 'u@s.whatsapp.net' });
    const duplicate = await call(t.url, 'POST', path(), {
      token: account.token,
      json: { name: 'V', phone_number: '+5521999990000', email: 'U@X.test', identifier: 'u@s.whatsapp.net' },
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.json).toEqual({
      message: 'Email has already been taken, Identifier has already been taken, Phone number has already been taken',
      attributes: ['email', 'identifier', 'phone_number'],
    });
    const invalidEmail = await call(t.url, 'POST', path(), { token: account.token, json: { name: 'W', email: 'nope' } });
    expect(invalidEmail.json).toEqual({ message: 'Email Invalid email', attributes: ['email'] });
    const otherAccount = await signup(t.url);
    expect(await createContact(t.url, otherAccount, { name: 'U', phone_number: '+5521999990000' })).toMatchObject({ phone_number: '+5521999990000' });
  });

  it('a failed create stores nothing (unknown inbox → 404, no contact)', async () => {
    const before = (await call(t.url, 'GET', path(), { token: account.token })).json.meta.count;
    const answer = await call(t.url, 'POST', path(), { token: account.token, json: { inbox_id: 9999, name: 'Ghost', phone_number: '+5531999990000' } });
    expect(answer).toMatchObject({ status: 404, json: { error: 'Resource could not be found' } });
    expect((await call(t.url, 'GET', path(), { token: account.token })).json.meta.count).toBe(before);
  });

  it('update merges custom_attributes and validates uniqueness against others', async () => {
    const contact = await createContact(t.url, account, { name: 'Merge', email: 'merge@x.test', custom_attributes: { a: 1, b: 2 } });
    const answer = await call(t.url, 'PUT', path(`/${contact.id}`), { token: account.token, json: { name: 'Merged', custom_attributes: { b: 3, c: 4 } } });
    expect(answer.status).toBe(200);
    expect(answer.json.payload).toMatchObject({ name: 'Merged', email: 'merge@x.test', custom_attributes: { a: 1, b: 3, c: 4 } });
    expect(answer.json.payload.contact_inboxes).toEqual([]);
    const clash = await call(t.url, 'PUT', path(`/${contact.id}`), { token: account.token, json: { email: 'u@x.test' } });
    expect(clash).toMatchObject({ status: 422, json: { attributes: ['email'] } });
  });

  it('search: matches name/phone/identifier among contacts with a phone, email or identifier', async () => {
    await createContact(t.url, account, { name: 'No Handle' });
    const byName = await call(t.url, 'GET', path('/search?q=evolution&page=1'), { token: account.token });
    expect(byName.status).toBe(200);
    expect(byName.json.meta).toEqual({ count: 1, current_page: '1' });
    expect(byName.json.payload[0].name).toBe('EvolutionAPI');
    const byJid = await call(t.url, 'GET', path(`/search?q=${encodeURIComponent('u@s.whatsapp.net')}`), { token: account.token });
    expect(byJid.json.payload.map((c: { identifier: string }) => c.identifier)).toEqual(['u@s.whatsapp.net']);
    const noHandle = await call(t.url, 'GET', path('/search?q=No%20Handle'), { token: account.token });
    expect(noHandle.json.meta.count).toBe(0);
  });

  it('search with a blank q renders an empty result (the guard returns before its 422; Inference)', async () => {
    const answer = await call(t.url, 'GET', path('/search?q='), { token: account.token });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ meta: { count: null, current_page: 1 }, payload: [] });
  });

  it('contact conversations: up to 20, newest first; contactable_inboxes; contact_merge', async () => {
    const contact = await createContact(t.url, account, { inbox_id: inbox.id, name: 'Many', phone_number: '+5541999990000' });
    const ids: number[] = [];
    for (let i = 0; i < 22; i++) ids.push((await createConversation(t.url, account, { contact_id: contact.id, inbox_id: inbox.id })).id);
    const list = await call(t.url, 'GET', path(`/${contact.id}/conversations`), { token: account.token });
    expect(list.status).toBe(200);
    expect(list.json.payload.map((c: { id: number }) => c.id)).toEqual(ids.slice(2).reverse());

    const contactable = await call(t.url, 'GET', path(`/${contact.id}/contactable_inboxes`), { token: account.token });
    expect(contactable.json.payload).toEqual([{ source_id: expect.any(String), inbox: expect.objectContaining({ id: inbox.id }) }]);

    const mergee = await createContact(t.url, account, { inbox_id: inbox.id, name: 'Mergee', phone_number: '+5541999990001', email: 'mergee@x.test' });
    await createConversation(t.url, account, { contact_id: mergee.id, inbox_id: inbox.id });
    const merged = await call(t.url, 'POST', `/api/v1/accounts/${account.accountId}/actions/contact_merge`, {
      token: account.token,
      json: { base_contact_id: contact.id, mergee_contact_id: mergee.id },
    });
    expect(merged.status).toBe(200);
    expect(merged.json).toMatchObject({ id: contact.id, name: 'Many', phone_number: '+5541999990000', email: 'mergee@x.test' });
    expect((await call(t.url, 'GET', path(`/${mergee.id}`), { token: account.token })).status).toBe(404);
    expect((await call(t.url, 'GET', path(`/${contact.id}/conversations`), { token: account.token })).json.payload[0].meta.sender.id).toBe(contact.id);
  });
});

describe('contacts/search rate limit per version (rack-attack, per account per minute)', () => {
  let t: TestTwin | undefined;
  afterEach(async () => {
    await t?.twin.close();
    t = undefined;
  });

  async function searchStatuses(version: ChatwootVersion, env: Record<string, string>, count: number) {
    t = await startTestTwin(version, env);
    const account = await signup(t.url);
    const other = await signup(t.url);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < count; i++) {
      last = await call(t.url, 'GET', `/api/v1/accounts/${account.accountId}/contacts/search?q=a`, { token: account.token });
      statuses.push(last.status);
    }
    const otherAccount = await call(t.url, 'GET', `/api/v1/accounts/${other.accountId}/contacts/search?q=a`, { token: other.token });
    return { statuses, last: last!, otherStatus: otherAccount.status };
  }

  it.each(['3.7.0', '3.8.0'] as const)('%s allows 5 per minute, then 429 "Retry later" text/plain without Retry-After', async (version) => {
    const { statuses, last, otherStatus } = await searchStatuses(version, { RATE_LIMIT_CONTACT_SEARCH: '100' }, 6);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(last.text).toBe('Retry later\n');
    expect(last.headers['content-type']).toBe('text/plain');
    expect(last.headers['retry-after']).toBeUndefined();
    expect(otherStatus).toBe(200);
  });

  it('3.9.0 allows 100 per minute by default (the 6th passes)', async () => {
    const { statuses } = await searchStatuses('3.9.0', {}, 6);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('3.9.0 honours RATE_LIMIT_CONTACT_SEARCH', async () => {
    const { statuses } = await searchStatuses('3.9.0', { RATE_LIMIT_CONTACT_SEARCH: '2' }, 3);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('no throttle with ENABLE_RACK_ATTACK=false', async () => {
    const { statuses } = await searchStatuses('3.8.0', { ENABLE_RACK_ATTACK: 'false' }, 6);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
  });
});
