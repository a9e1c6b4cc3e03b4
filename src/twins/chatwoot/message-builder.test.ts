import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createContact, createConversation, seedConversation, startTestTwin, VERSIONS, type TestTwin } from './test-support/chatwoot-test-kit.ts';

/** messages_controller_spec, message_builder.rb, messages/index.json.jbuilder; measured on 3.7.0–3.9.0 (§M). */
describe.each(VERSIONS)('message builder on %s', (version) => {
  let t: TestTwin;
  let seeded: Awaited<ReturnType<typeof seedConversation>>;
  const path = (conversationId: number, suffix = '') => `/api/v1/accounts/${seeded.account.accountId}/conversations/${conversationId}/messages${suffix}`;
  const post = (conversationId: number, json: Record<string, unknown>) => call(t.url, 'POST', path(conversationId), { token: seeded.account.token, json });
  beforeAll(async () => {
    t = await startTestTwin(version);
    seeded = await seedConversation(t.url);
  });
  afterAll(() => t.twin.close());

  it('external_created_at lands in content_attributes; other content_attributes keys are dropped', async () => {
    const first = await post(seeded.conversation.id, { content: 'hi', message_type: 'incoming', external_created_at: 1700000000, source_id: 'WAID:FIRST' });
    expect(first.json.content_attributes).toEqual({ external_created_at: 1700000000 });
    expect(Math.abs(first.json.created_at - Date.now() / 1000)).toBeLessThan(120);
    const mixed = await post(seeded.conversation.id, {
      content: 'hi2',
      message_type: 'incoming',
      content_attributes: { a: 1 },
      external_created_at: '2023-11-14T22:13:20Z',
    });
    expect(mixed.json.content_attributes).toEqual({ external_created_at: '2023-11-14T22:13:20Z' });
    // in_reply_to is looked up and gets the replied message's source_id.
    const reply = await post(seeded.conversation.id, { content: 'reply', message_type: 'outgoing', content_attributes: { in_reply_to: first.json.id, a: 1 } });
    expect(reply.json.content_attributes).toEqual({ in_reply_to: first.json.id, in_reply_to_external_id: 'WAID:FIRST' });
    const external = await post(seeded.conversation.id, {
      content: 'r2',
      message_type: 'outgoing',
      content_attributes: { in_reply_to_external_id: 'WAID:FIRST' },
    });
    expect(external.json.content_attributes).toEqual({});
  });

  it('the list meta.contact is the contact push data, with type "contact"', async () => {
    const list = await call(t.url, 'GET', path(seeded.conversation.id), { token: seeded.account.token });
    expect(Object.keys(list.json.meta).sort()).toEqual(['additional_attributes', 'agent_last_seen_at', 'assignee_last_seen_at', 'contact', 'labels']);
    expect(list.json.meta.contact).toEqual({
      additional_attributes: {},
      custom_attributes: {},
      email: null,
      id: seeded.contact.id,
      identifier: '5511987654321@s.whatsapp.net',
      name: 'Maria',
      phone_number: '+5511987654321',
      thumbnail: '',
      type: 'contact',
    });
  });

  it('message_type incoming on a conversation of a non-API inbox is 422; outgoing is fine', async () => {
    const widget = await call(t.url, 'POST', `/api/v1/accounts/${seeded.account.accountId}/inboxes`, {
      token: seeded.account.token,
      json: { name: 'site', channel: { type: 'web_widget', website_url: 'https://example.test' } },
    });
    const contact = await createContact(t.url, seeded.account, { inbox_id: widget.json.id, name: 'Web' });
    const conversation = await createConversation(t.url, seeded.account, { contact_id: contact.id, inbox_id: widget.json.id });
    expect(conversation.meta.channel).toBe('Channel::WebWidget');
    expect(await post(conversation.id, { content: 'in', message_type: 'incoming' })).toMatchObject({
      status: 422,
      json: { error: 'Incoming messages are only allowed in Api inboxes' },
    });
    expect((await post(conversation.id, { content: 'out', message_type: 'outgoing' })).status).toBe(200);
  });
});
