import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('conversations (identical in all versions)', () => {
  let t: TestTwin;
  let account: Account;
  let inbox: JsonBody;
  let contact: JsonBody;
  const path = (suffix = '') => `/api/v1/accounts/${account.accountId}/conversations${suffix}`;

  beforeAll(async () => {
    t = await startTestTwin('3.7.0');
    account = await signup(t.url);
    inbox = await createInbox(t.url, account, 'evolution');
    contact = await createContact(t.url, account, { inbox_id: inbox.id, name: 'Maria', phone_number: '+5511987654321' });
  });
  afterAll(() => t.twin.close());

  it('creates with string ids (as Evolution sends them) and serialises by display_id', async () => {
    const answer = await call(t.url, 'POST', path(), { token: account.token, json: { contact_id: String(contact.id), inbox_id: String(inbox.id) } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      id: 1,
      account_id: account.accountId,
      inbox_id: inbox.id,
      status: 'open',
      messages: [],
      last_non_activity_message: null,
      snoozed_until: null,
      meta: { sender: { id: contact.id, availability_status: 'offline', phone_number: '+5511987654321' }, channel: 'Channel::Api', hmac_verified: false },
    });
    // meta.sender is the contact partial, not its push data: no `type` (measured on 3.8.0).
    expect(answer.json.meta.sender).not.toHaveProperty('type');
    expect(answer.json.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof answer.json.created_at).toBe('number');
    expect(answer.json.timestamp).toBe(answer.json.last_activity_at);
  });

  it('numbers display_id per account from 1 while the database ids are global', async () => {
    const second = await signup(t.url);
    const secondInbox = await createInbox(t.url, second, 'b');
    const secondContact = await createContact(t.url, second, { inbox_id: secondInbox.id, name: 'B' });
    const first = await createConversation(t.url, second, { contact_id: secondContact.id, inbox_id: secondInbox.id });
    expect(first.id).toBe(1);
    expect((await createConversation(t.url, second, { contact_id: secondContact.id, inbox_id: secondInbox.id })).id).toBe(2);
    const read = await call(t.url, 'GET', `/api/v1/accounts/${second.accountId}/conversations/1`, { token: second.token });
    expect(read.json).toMatchObject({ id: 1, inbox_id: secondInbox.id });
  });

  it('source_id rules: reuse for the same contact, 422 for another, bare source_id lookup, 404 when unknown', async () => {
    const created = await createConversation(t.url, account, { contact_id: contact.id, inbox_id: inbox.id, source_id: 'wa-1' });
    expect(created.id).toBeGreaterThan(0);
    const other = await createContact(t.url, account, { name: 'Other' });
    const taken = await call(t.url, 'POST', path(), { token: account.token, json: { contact_id: other.id, inbox_id: inbox.id, source_id: 'wa-1' } });
    expect(taken).toMatchObject({ status: 422, json: { error: 'source_id should be unique' } });
    const bySource = await call(t.url, 'POST', path(), { token: account.token, json: { source_id: 'wa-1' } });
    expect(bySource.status).toBe(200);
    expect(bySource.json.meta.sender.id).toBe(contact.id);
    expect((await call(t.url, 'POST', path(), { token: account.token, json: { source_id: 'nope' } })).status).toBe(404);
    expect((await call(t.url, 'POST', path(), { token: account.token, json: { contact_id: 99999, inbox_id: inbox.id } })).status).toBe(404);
  });

  it('toggle_status flips open ↔ resolved without a status and reports current_status', async () => {
    const conversation = await createConversation(t.url, account, { contact_id: contact.id, inbox_id: inbox.id });
    const toggle = (json: unknown) => call(t.url, 'POST', path(`/${conversation.id}/toggle_status`), { token: account.token, json });
    expect((await toggle({})).json).toEqual({ payload: { success: true, conversation_id: conversation.id, current_status: 'resolved', snoozed_until: null } });
    expect((await toggle({})).json.payload.current_status).toBe('open');
    expect((await toggle({ status: 'pending' })).json.payload.current_status).toBe('pending');
    expect((await toggle({})).json.payload.current_status).toBe('open');
    const snoozed = await toggle({ status: 'snoozed', snoozed_until: 1893456000 });
    expect(snoozed.json.payload).toMatchObject({ current_status: 'snoozed', snoozed_until: '2030-01-01T00:00:00.000Z' });
    const shown = await call(t.url, 'GET', path(`/${conversation.id}`), { token: account.token });
    expect(shown.json).toMatchObject({ status: 'snoozed', snoozed_until: '2030-01-01T00:00:00.000Z' });
  });

  it('a plain agent opening a conversation gets it assigned; a bot handing off pending → open gets success null', async () => {
    const agent = await call(t.url, 'POST', `/__twin/accounts/${account.accountId}/agents`, {
      token: account.token,
      json: { name: 'Agent', email: 'agent@x.test' },
    });
    await call(t.url, 'POST', `/api/v1/accounts/${account.accountId}/inbox_members`, {
      token: account.token,
      json: { inbox_id: inbox.id, user_ids: [agent.json.id] },
    });
    const conversation = await createConversation(t.url, account, { contact_id: contact.id, inbox_id: inbox.id, status: 'pending' });
    const byAgent = await call(t.url, 'POST', path(`/${conversation.id}/toggle_status`), { token: agent.json.access_token, json: { status: 'open' } });
    expect(byAgent.json.payload.current_status).toBe('open');
    expect((await call(t.url, 'GET', path(`/${conversation.id}`), { token: account.token })).json.meta.assignee).toMatchObject({ id: agent.json.id });

    const bot = await call(t.url, 'POST', `/__twin/accounts/${account.accountId}/agent_bots`, {
      token: account.token,
      json: { name: 'Bot', inbox_ids: [inbox.id] },
    });
    const pending = await createConversation(t.url, account, { contact_id: contact.id, inbox_id: inbox.id });
    expect(pending.status).toBe('pending');
    const handoff = await call(t.url, 'POST', path(`/${pending.id}/toggle_status`), { token: bot.json.access_token, json: { status: 'open' } });
    expect(handoff.json.payload).toEqual({ success: null, conversation_id: pending.id, current_status: 'open', snoozed_until: null });
  });

  it('a blocked contact starts resolved; conversations index wraps data.meta with assigned_count', async () => {
    const blocked = await createContact(t.url, account, { name: 'Blocked', blocked: true });
    expect((await createConversation(t.url, account, { contact_id: blocked.id, inbox_id: inbox.id })).status).toBe('resolved');
    const index = await call(t.url, 'GET', path('?status=all'), { token: account.token });
    expect(Object.keys(index.json.data.meta)).toEqual(['mine_count', 'unassigned_count', 'assigned_count', 'all_count']);
  });

  it('public update_last_seen answers 200 with an empty body, and 404 for unknown ids', async () => {
    const conversation = await createConversation(t.url, account, { contact_id: contact.id, inbox_id: inbox.id, source_id: 'read-receipt' });
    const ok = await call(
      t.url,
      'POST',
      `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts/read-receipt/conversations/${conversation.id}/update_last_seen`,
    );
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    expect((await call(t.url, 'POST', `/public/api/v1/inboxes/nope/contacts/read-receipt/conversations/${conversation.id}/update_last_seen`)).status).toBe(404);
    const shown = await call(t.url, 'GET', path(`/${conversation.id}`), { token: account.token });
    expect(shown.json.contact_last_seen_at).toBeGreaterThan(0);
  });
});
