import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createContact,
  createConversation,
  createInbox,
  signup,
  startTestTwin,
  VERSIONS,
  type Account,
  type TestTwin,
} from './test-support/chatwoot-test-kit.ts';

/** access_token_auth_helper.rb, ensure_current_account_helper.rb, agent_bots_controller.rb; measured on 3.7.0–3.9.0 (§M). */
const NOT_FOR_BOTS = { error: 'Access to this endpoint is not authorized for bots' };
const BOT_NOT_IN_ACCOUNT = { error: 'Bot is not authorized to access this account' };

describe.each(VERSIONS)('agent bots on %s', (version) => {
  let t: TestTwin;
  let admin: Account;
  let other: Account;
  const path = (suffix: string, account = admin) => `/api/v1/accounts/${account.accountId}${suffix}`;
  beforeAll(async () => {
    t = await startTestTwin(version);
    admin = await signup(t.url);
    other = await signup(t.url);
  });
  afterAll(() => t.twin.close());

  it('POST agent_bots creates a bot with its own access token', async () => {
    const answer = await call(t.url, 'POST', path('/agent_bots'), { token: admin.token, json: { name: 'Bot', outgoing_url: 'http://127.0.0.1:9/bot' } });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      id: expect.any(Number),
      name: 'Bot',
      description: null,
      outgoing_url: 'http://127.0.0.1:9/bot',
      bot_type: 'webhook',
      bot_config: {},
      account_id: admin.accountId,
      access_token: expect.stringMatching(/^\w{24}$/),
    });
    const list = await call(t.url, 'GET', path('/agent_bots'), { token: admin.token });
    expect(list.json).toEqual([expect.objectContaining({ id: answer.json.id, access_token: answer.json.access_token })]);
  });

  it('a bot token: 401 on non-bot endpoints (first), 401 in an account it is not connected to, then works where connected', async () => {
    const bot = (await call(t.url, 'POST', path('/agent_bots'), { token: admin.token, json: { name: 'Helper' } })).json;
    const inbox = await createInbox(t.url, admin, 'plain');
    const contact = await createContact(t.url, admin, { inbox_id: inbox.id, name: 'Maria' });
    const plain = await createConversation(t.url, admin, { contact_id: contact.id, inbox_id: inbox.id });
    // Not connected anywhere yet.
    expect(await call(t.url, 'GET', path('/contacts'), { token: bot.access_token })).toMatchObject({ status: 401, json: NOT_FOR_BOTS });
    expect(await call(t.url, 'GET', '/api/v1/profile', { token: bot.access_token })).toMatchObject({ status: 401, json: NOT_FOR_BOTS });
    expect(await call(t.url, 'POST', path(`/conversations/${plain.id}/toggle_status`), { token: bot.access_token, json: { status: 'open' } })).toMatchObject({
      status: 401,
      json: BOT_NOT_IN_ACCOUNT,
    });

    const botInbox = await createInbox(t.url, admin, 'botinbox');
    const set = await call(t.url, 'POST', path(`/inboxes/${botInbox.id}/set_agent_bot`), { token: admin.token, json: { agent_bot: bot.id } });
    expect(set).toMatchObject({ status: 200, text: '' });
    expect(set.headers['content-type']).toBe('application/json');
    const shown = await call(t.url, 'GET', path(`/inboxes/${botInbox.id}/agent_bot`), { token: admin.token });
    expect(shown.json.agent_bot).toMatchObject({ id: bot.id, access_token: { owner_type: 'AgentBot', owner_id: bot.id, token: bot.access_token } });

    for (const suffix of ['/contacts', '/inboxes']) {
      expect(await call(t.url, 'GET', path(suffix), { token: bot.access_token })).toMatchObject({ status: 401, json: NOT_FOR_BOTS });
    }
    expect(await call(t.url, 'POST', path('/conversations/filter'), { token: bot.access_token, json: { payload: [] } })).toMatchObject({
      status: 401,
      json: NOT_FOR_BOTS,
    });
    expect(await call(t.url, 'GET', path(`/conversations/${plain.id}`), { token: bot.access_token })).toMatchObject({ status: 401, json: NOT_FOR_BOTS });
    // Connected to an inbox of `admin`'s account only.
    expect(await call(t.url, 'POST', path('/conversations/1/toggle_status', other), { token: bot.access_token, json: {} })).toMatchObject({
      status: 401,
      json: BOT_NOT_IN_ACCOUNT,
    });

    // A conversation in the bot's inbox starts pending; the bot posts and hands off.
    const botContact = await createContact(t.url, admin, { inbox_id: botInbox.id, name: 'Ana' });
    const pending = await createConversation(t.url, admin, { contact_id: botContact.id, inbox_id: botInbox.id });
    expect(pending.status).toBe('pending');
    const posted = await call(t.url, 'POST', path(`/conversations/${pending.id}/messages`), {
      token: bot.access_token,
      json: { content: 'bot says', message_type: 'outgoing' },
    });
    expect(posted).toMatchObject({ status: 200, json: { message_type: 1, sender: { id: bot.id, name: 'Helper', type: 'agent_bot' } } });
    const handoff = await call(t.url, 'POST', path(`/conversations/${pending.id}/toggle_status`), { token: bot.access_token, json: { status: 'open' } });
    expect(handoff.json).toEqual({ payload: { success: null, conversation_id: pending.id, current_status: 'open', snoozed_until: null } });
    const resolved = await call(t.url, 'POST', path(`/conversations/${pending.id}/toggle_status`), { token: bot.access_token, json: { status: 'resolved' } });
    expect(resolved.json.payload).toMatchObject({ success: true, current_status: 'resolved' });
    expect(
      (await call(t.url, 'POST', path(`/conversations/${pending.id}/toggle_priority`), { token: bot.access_token, json: { priority: 'low' } })).status,
    ).toBe(200);
  });
});
