import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createInbox, signup, startTestTwin, VERSIONS, type Account, type TestTwin } from './test-support/chatwoot-test-kit.ts';

/** inboxes_controller_spec and the `_inbox.json.jbuilder` channel blocks; measured on 3.7.0–3.9.0 (§M). */
describe.each(VERSIONS)('inboxes on %s', (version) => {
  let t: TestTwin;
  let admin: Account;
  let other: Account;
  const path = (suffix = '', account = admin) => `/api/v1/accounts/${account.accountId}/inboxes${suffix}`;
  beforeAll(async () => {
    t = await startTestTwin(version);
    admin = await signup(t.url);
    other = await signup(t.url);
  });
  afterAll(() => t.twin.close());

  it('DELETE of an own inbox answers the deletion message and the inbox is gone; another account’s is 404', async () => {
    const inbox = await createInbox(t.url, admin, 'todelete');
    const deleted = await call(t.url, 'DELETE', path(`/${inbox.id}`), { token: admin.token });
    expect(deleted).toMatchObject({ status: 200, json: { message: 'Your inbox deletion request will be processed in some time.' } });
    expect(deleted.headers['content-type']).toBe('application/json; charset=utf-8');
    expect((await call(t.url, 'GET', path(`/${inbox.id}`), { token: admin.token })).status).toBe(404);
    const foreign = await createInbox(t.url, other, 'foreign');
    expect(await call(t.url, 'DELETE', path(`/${foreign.id}`), { token: admin.token })).toMatchObject({
      status: 404,
      json: { error: 'Resource could not be found' },
    });
    expect((await call(t.url, 'GET', path(`/${foreign.id}`, other), { token: other.token })).status).toBe(200);
  });

  it('creates a website inbox from channel type web_widget with the widget keys', async () => {
    const answer = await call(t.url, 'POST', path(), {
      token: admin.token,
      json: { name: 'site', channel: { type: 'web_widget', website_url: 'https://example.test' } },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      name: 'site',
      channel_type: 'Channel::WebWidget',
      website_url: 'https://example.test',
      widget_color: '#1f93ff',
      reply_time: 'in_a_few_minutes',
      selected_feature_flags: ['attachments', 'emoji_picker', 'end_conversation'],
      pre_chat_form_enabled: false,
      continuity_via_email: true,
      provider: null,
    });
    expect(answer.json.website_token).toMatch(/^\w{24}$/);
    expect(answer.json.web_widget_script).toContain(`websiteToken: '${answer.json.website_token}'`);
    expect(answer.json).not.toHaveProperty('webhook_url');
    expect(answer.json).not.toHaveProperty('inbox_identifier');
    const list = await call(t.url, 'GET', path(), { token: admin.token });
    expect(list.json.payload.map((inbox: { channel_type: string }) => inbox.channel_type)).toContain('Channel::WebWidget');
  });

  it('a website inbox needs website_url; an unknown channel type creates no channel (422)', async () => {
    expect(await call(t.url, 'POST', path(), { token: admin.token, json: { name: 'site2', channel: { type: 'web_widget' } } })).toMatchObject({
      status: 422,
      json: { message: "Website url can't be blank", attributes: ['website_url'] },
    });
    expect(await call(t.url, 'POST', path(), { token: admin.token, json: { name: 'x', channel: { type: 'carrier_pigeon' } } })).toMatchObject({
      status: 422,
      json: { message: 'Channel must exist', attributes: ['channel'] },
    });
  });

  it('an API inbox renders webhook_url null when none was given, with the Twilio keys', async () => {
    const answer = await call(t.url, 'POST', path(), { token: admin.token, json: { name: 'api', channel: { type: 'api' } } });
    expect(answer.json).toMatchObject({
      channel_type: 'Channel::Api',
      webhook_url: null,
      messaging_service_sid: null,
      phone_number: null,
      additional_attributes: {},
    });
  });
});
