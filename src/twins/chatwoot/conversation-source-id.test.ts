import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, seedConversation, startRecorder, startTestTwin, VERSIONS, type Recorder, type TestTwin } from './test-support/chatwoot-test-kit.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `POST …/conversations` with contact_id + inbox_id and no source_id: ContactInboxBuilder makes a new
 * ContactInbox with a fresh UUID even when the contact already has one on that inbox, and the webhooks carry
 * the new source_id (measured on 3.7.0–3.9.0, §M; the earlier reading of the opposite was wrong).
 */
describe.each(VERSIONS)('a conversation without source_id on %s', (version) => {
  let t: TestTwin;
  let recorder: Recorder;
  let seeded: Awaited<ReturnType<typeof seedConversation>>;
  let firstSourceId: string;
  beforeAll(async () => {
    t = await startTestTwin(version);
    recorder = await startRecorder();
    seeded = await seedConversation(t.url, recorder.url);
    firstSourceId = seeded.contact.contact_inboxes[0].source_id;
  });
  afterAll(async () => {
    await t.twin.close();
    await recorder.close();
  });

  it('gets a second contact-inbox with a fresh UUID on the same inbox', async () => {
    const contact = await call(t.url, 'GET', `/api/v1/accounts/${seeded.account.accountId}/contacts/${seeded.contact.id}`, { token: seeded.account.token });
    const rows = contact.json.payload.contact_inboxes as { source_id: string; inbox: { id: number } }[];
    expect(rows).toHaveLength(2);
    expect(rows.map((row) => row.inbox.id)).toEqual([seeded.inbox.id, seeded.inbox.id]);
    for (const row of rows) expect(row.source_id).toMatch(UUID);
    expect(new Set(rows.map((row) => row.source_id)).size).toBe(2);
    expect(rows.map((row) => row.source_id)).toContain(firstSourceId);
  });

  it('conversation_created and message_created carry the new source_id, and so does the conversation', async () => {
    const base = `/api/v1/accounts/${seeded.account.accountId}/conversations/${seeded.conversation.id}`;
    await call(t.url, 'POST', `${base}/messages`, { token: seeded.account.token, json: { content: 'init', message_type: 'outgoing' } });
    await t.twin.webhooksIdle();
    const created = recorder.requests.find((r) => r.body.event === 'conversation_created')!.body;
    const message = recorder.requests.find((r) => r.body.event === 'message_created')!.body;
    const newSourceId = created.contact_inbox.source_id;
    expect(newSourceId).toMatch(UUID);
    expect(newSourceId).not.toBe(firstSourceId);
    expect(message.conversation.contact_inbox.source_id).toBe(newSourceId);
    const shown = await call(t.url, 'GET', base, { token: seeded.account.token });
    expect(shown.json.last_non_activity_message.conversation.contact_inbox.source_id).toBe(newSourceId);
  });
});
