import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, seedConversation, startRecorder, startTestTwin, VERSIONS, type Recorder, type TestTwin } from './test-support/chatwoot-test-kit.ts';

/**
 * toggle_status / toggle_priority / update and their activity messages (conversations_controller_spec,
 * activity_message_handler.rb, message.rb `webhook_sendable`); measured on 3.7.0–3.9.0 (§M).
 */
describe.each(VERSIONS)('conversation changes on %s', (version) => {
  let t: TestTwin;
  let recorder: Recorder;
  let seeded: Awaited<ReturnType<typeof seedConversation>>;
  const path = (suffix = '') => `/api/v1/accounts/${seeded.account.accountId}/conversations/${seeded.conversation.id}${suffix}`;
  const token = () => seeded.account.token;
  const activity = async () =>
    (await call(t.url, 'GET', path('/messages'), { token: token() })).json.payload
      .filter((m: { message_type: number }) => m.message_type === 2)
      .map((m: { content: string | null }) => m.content);
  beforeAll(async () => {
    t = await startTestTwin(version);
    recorder = await startRecorder();
    seeded = await seedConversation(t.url, recorder.url);
  });
  afterAll(async () => {
    await t.twin.close();
    await recorder.close();
  });

  it('toggle_status answers {payload} without meta; snoozed_until (unix seconds) comes back ISO with ms', async () => {
    const resolved = await call(t.url, 'POST', path('/toggle_status'), { token: token(), json: { status: 'resolved' } });
    expect(resolved.json).toEqual({ payload: { success: true, conversation_id: seeded.conversation.id, current_status: 'resolved', snoozed_until: null } });
    const until = 1796285168;
    const snoozed = await call(t.url, 'POST', path('/toggle_status'), { token: token(), json: { status: 'snoozed', snoozed_until: until } });
    expect(snoozed.json.payload).toEqual({
      success: true,
      conversation_id: seeded.conversation.id,
      current_status: 'snoozed',
      snoozed_until: '2026-12-03T08:06:08.000Z',
    });
    expect((await call(t.url, 'GET', path(), { token: token() })).json.snoozed_until).toBe('2026-12-03T08:06:08.000Z');
    const asString = await call(t.url, 'POST', path('/toggle_status'), { token: token(), json: { status: 'snoozed', snoozed_until: String(until + 60) } });
    expect(asString.json.payload.snoozed_until).toBe('2026-12-03T08:07:08.000Z');
    // DateTime.strptime(value, '%s') reads an ISO date's year as seconds (measured).
    const iso = await call(t.url, 'POST', path('/toggle_status'), { token: token(), json: { status: 'snoozed', snoozed_until: '2030-01-01T00:00:00Z' } });
    expect(iso.json.payload.snoozed_until).toBe('1970-01-01T00:33:50.000Z');
    const opened = await call(t.url, 'POST', path('/toggle_status'), { token: token(), json: { status: 'open' } });
    expect(opened.json.payload).toMatchObject({ current_status: 'open', snoozed_until: null });
  });

  it('toggle_priority and PATCH/PUT priority store it (head :ok / the conversation); an unknown priority is 500', async () => {
    const toggled = await call(t.url, 'POST', path('/toggle_priority'), { token: token(), json: { priority: 'high' } });
    expect(toggled).toMatchObject({ status: 200, text: '' });
    expect((await call(t.url, 'GET', path(), { token: token() })).json.priority).toBe('high');
    await call(t.url, 'POST', path('/toggle_priority'), { token: token(), json: {} });
    expect((await call(t.url, 'GET', path(), { token: token() })).json.priority).toBeNull();
    expect((await call(t.url, 'POST', path('/toggle_priority'), { token: token(), json: { priority: 'bogus' } })).status).toBe(500);
    const patched = await call(t.url, 'PATCH', path(), { token: token(), json: { priority: 'urgent', status: 'resolved' } });
    // Only priority is permitted: the status stays.
    expect(patched).toMatchObject({ status: 200, json: { id: seeded.conversation.id, priority: 'urgent', status: 'open' } });
    expect((await call(t.url, 'PUT', path(), { token: token(), json: { priority: 'low' } })).json.priority).toBe('low');
  });

  it('each change leaves an activity message (message_type 2, no sender) in the account locale, never sent to the webhook', async () => {
    expect(await activity()).toEqual([
      'Conversation was marked resolved by Harness Admin',
      'Conversation was snoozed by Harness Admin',
      'Conversation was reopened by Harness Admin',
      'Harness Admin set the priority to high',
      'Harness Admin removed the priority',
      'Harness Admin set the priority to urgent',
      'Harness Admin changed the priority from urgent to low',
    ]);
    const listed = (await call(t.url, 'GET', path('/messages'), { token: token() })).json.payload.find((m: { message_type: number }) => m.message_type === 2);
    expect(listed).toMatchObject({ sender: null, status: 'sent', private: false, content_type: 'text' });
    // A later outgoing message's webhook proves every earlier event was handed over.
    await call(t.url, 'POST', path('/messages'), { token: token(), json: { content: 'marker', message_type: 'outgoing' } });
    await recorder.waitForCount(1);
    const marker = await waitForMarker(recorder);
    const messageEvents = recorder.requests.slice(0, marker + 1).filter((r) => String(r.body.event).startsWith('message_'));
    expect(messageEvents.map((r) => r.body.message_type)).not.toContain('activity');
    expect(messageEvents.some((r) => String(r.body.content).startsWith('Conversation was'))).toBe(false);
  });
});

async function waitForMarker(recorder: Recorder): Promise<number> {
  for (let count = 1; ; count++) {
    const requests = await recorder.waitForCount(count);
    const index = requests.findIndex((r) => r.body.event === 'message_created' && r.body.content === 'marker');
    if (index >= 0) return index;
  }
}

describe('activity messages follow the account locale', () => {
  it('pt_BR account: "Conversa foi marcada como resolvida por …"', async () => {
    const t = await startTestTwin('3.8.0');
    try {
      const seeded = await seedConversation(t.url, '', { locale: 'pt_BR' });
      const base = `/api/v1/accounts/${seeded.account.accountId}/conversations/${seeded.conversation.id}`;
      await call(t.url, 'POST', `${base}/toggle_status`, { token: seeded.account.token, json: { status: 'resolved' } });
      const messages = (await call(t.url, 'GET', `${base}/messages`, { token: seeded.account.token })).json.payload;
      expect(messages.map((m: { content: string | null }) => m.content)).toEqual(['Conversa foi marcada como resolvida por Harness Admin']);
    } finally {
      await t.twin.close();
    }
  });
});
