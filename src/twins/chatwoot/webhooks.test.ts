import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../common/wait-for.ts';
import { call, freePort, seedConversation, startRecorder, startTestTwin, type TestTwin } from './test-support/chatwoot-test-kit.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

async function setup(recorderOptions: Parameters<typeof startRecorder>[0] = {}) {
  const recorder = await startRecorder(recorderOptions);
  const t = await startTestTwin('3.9.0');
  cleanup.push(
    () => t.twin.close(),
    () => recorder.close(),
  );
  return { recorder, t };
}

function messagesPath(seeded: Awaited<ReturnType<typeof seedConversation>>) {
  return `/api/v1/accounts/${seeded.account.accountId}/conversations/${seeded.conversation.id}/messages`;
}

async function messageStatus(t: TestTwin, seeded: Awaited<ReturnType<typeof seedConversation>>, id: number) {
  const list = await call(t.url, 'GET', messagesPath(seeded), { token: seeded.account.token });
  return list.json.payload.find((m: { id: number }) => m.id === id);
}

describe('webhooks to an API inbox (§4)', () => {
  it('sends conversation_created then message_created with the upstream shapes and headers', async () => {
    const { recorder, t } = await setup();
    const seeded = await seedConversation(t.url, recorder.url);
    const sent = await call(t.url, 'POST', messagesPath(seeded), { token: seeded.account.token, json: { content: 'init', message_type: 'outgoing' } });
    // Deliveries run concurrently (Sidekiq threads, §4/§5): find each event, do not rely on arrival order.
    const received = await recorder.waitForCount(2);
    const created = received.find((r) => r.body.event === 'conversation_created');
    const message = received.find((r) => r.body.event === 'message_created');
    expect(created!.body).toMatchObject({
      event: 'conversation_created',
      id: seeded.conversation.id,
      inbox_id: seeded.inbox.id,
      status: 'open',
      channel: 'Channel::Api',
      meta: { sender: { id: seeded.contact.id, phone_number: '+5511987654321', type: 'contact' } },
    });
    expect(message!.method).toBe('POST');
    expect(message!.url).toBe('/chatwoot/webhook/test');
    expect(message!.headers['content-type']).toBe('application/json');
    expect(message!.headers.accept).toBe('application/json');
    const body = message!.body;
    expect(body).toMatchObject({
      event: 'message_created',
      id: sent.json.id,
      content: 'init',
      message_type: 'outgoing',
      private: false,
      content_type: 'text',
      account: { id: seeded.account.accountId, name: 'Harness' },
      inbox: { id: seeded.inbox.id, name: 'evolution' },
      sender: { id: seeded.account.userId, name: 'Harness Admin', type: 'user' },
      conversation: {
        id: seeded.conversation.id,
        status: 'open',
        meta: { sender: { id: seeded.contact.id, identifier: '5511987654321@s.whatsapp.net' } },
        contact_inbox: { contact_id: seeded.contact.id, inbox_id: seeded.inbox.id, source_id: expect.any(String) },
      },
    });
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(body.conversation.messages).toEqual([expect.objectContaining({ id: sent.json.id, message_type: 1, content: 'init' })]);
    expect(Number.isInteger(body.conversation.created_at)).toBe(true);
  });

  it('includes echoes of incoming messages and private notes, never activity messages (in no guaranteed order)', async () => {
    const { recorder, t } = await setup();
    const seeded = await seedConversation(t.url, recorder.url);
    const path = messagesPath(seeded);
    await call(t.url, 'POST', path, { token: seeded.account.token, json: { content: 'from whatsapp', message_type: 'incoming' } });
    await call(t.url, 'POST', path, { token: seeded.account.token, json: { content: 'activity', message_type: 'activity' } });
    await call(t.url, 'POST', path, { token: seeded.account.token, json: { content: 'note', private: true } });
    for (let i = 0; i < 8; i++) await call(t.url, 'POST', path, { token: seeded.account.token, json: { content: `n${i}` } });
    await t.twin.webhooksIdle();
    const messageEvents = recorder.requests.map((r) => r.body).filter((b) => b.event === 'message_created');
    expect(messageEvents.map((b) => b.content).sort()).toEqual(['from whatsapp', 'n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'note']);
    const incoming = messageEvents.find((b) => b.content === 'from whatsapp');
    expect(incoming).toMatchObject({ message_type: 'incoming', sender: { id: seeded.contact.id, name: 'Maria' } });
    expect(incoming.sender.type).toBeUndefined();
    expect(messageEvents.find((b) => b.content === 'note')).toMatchObject({ private: true, message_type: 'outgoing' });
  });

  it('a status change sends conversation_status_changed and conversation_updated', async () => {
    const { recorder, t } = await setup();
    const seeded = await seedConversation(t.url, recorder.url);
    await t.twin.webhooksIdle();
    const start = recorder.requests.length;
    await call(t.url, 'POST', `/api/v1/accounts/${seeded.account.accountId}/conversations/${seeded.conversation.id}/toggle_status`, {
      token: seeded.account.token,
      json: { status: 'resolved' },
    });
    await recorder.waitForCount(start + 2);
    const bodies = recorder.requests.slice(start).map((r) => r.body);
    const changed = bodies.find((b) => b.event === 'conversation_status_changed');
    const updated = bodies.find((b) => b.event === 'conversation_updated');
    expect(changed).toMatchObject({ event: 'conversation_status_changed', status: 'resolved', id: seeded.conversation.id });
    expect(updated).toMatchObject({
      event: 'conversation_updated',
      status: 'resolved',
      changed_attributes: [{ status: { previous_value: 'open', current_value: 'resolved' } }],
    });
  });

  it('a 404 receiver marks the message failed with "404 Not Found" and sends message_updated', async () => {
    const { recorder, t } = await setup({ status: 404 });
    const seeded = await seedConversation(t.url, recorder.url);
    const sent = await call(t.url, 'POST', messagesPath(seeded), { token: seeded.account.token, json: { content: 'reply' } });
    await waitFor(() => recorder.events().includes('message_updated'), { timeoutMs: 5_000, description: 'message_updated' });
    await t.twin.webhooksIdle();
    // The first agent reply also sets first_reply_created_at (conversation_updated); no retries, no loop.
    expect(recorder.events().sort()).toEqual(['conversation_created', 'conversation_updated', 'message_created', 'message_updated']);
    const updated = recorder.requests.find((r) => r.body.event === 'message_updated')!.body;
    expect(updated).toMatchObject({ id: sent.json.id, content_attributes: { external_error: '404 Not Found' } });
    expect(await messageStatus(t, seeded, sent.json.id)).toMatchObject({ status: 'failed', content_attributes: { external_error: '404 Not Found' } });
    expect(t.log.lines().some((line) => line.endsWith(`Exception: Invalid webhook URL ${recorder.url} : 404 Not Found`))).toBe(true);
  });

  it('a refused connection marks the message failed with the Net::HTTP message', async () => {
    const port = await freePort();
    const t = await startTestTwin('3.7.0');
    cleanup.push(() => t.twin.close());
    const url = `http://127.0.0.1:${port}/chatwoot/webhook/x`;
    const seeded = await seedConversation(t.url, url);
    const sent = await call(t.url, 'POST', messagesPath(seeded), { token: seeded.account.token, json: { content: 'reply' } });
    const expected = `Failed to open TCP connection to 127.0.0.1:${port} (Connection refused - connect(2) for "127.0.0.1" port ${port})`;
    const message = await waitFor(
      async () => {
        const m = await messageStatus(t, seeded, sent.json.id);
        return m?.status === 'failed' ? m : undefined;
      },
      { timeoutMs: 5_000, description: 'message marked failed' },
    );
    expect(message.content_attributes.external_error).toBe(expected);
    expect(t.log.lines()).toContainEqual(expect.stringContaining(`Exception: Invalid webhook URL ${url} : ${expected}`));
  });

  it('a receiver slower than 5 s times out: "Timed out reading data from server", no retry', async () => {
    const { recorder, t } = await setup({ delayMs: 6_500 });
    const seeded = await seedConversation(t.url);
    const inboxPath = `/api/v1/accounts/${seeded.account.accountId}/inboxes/${seeded.inbox.id}`;
    const patched = await call(t.url, 'PATCH', inboxPath, { token: seeded.account.token, json: { channel: { webhook_url: recorder.url } } });
    expect(patched.json.webhook_url).toBe(recorder.url);
    const sent = await call(t.url, 'POST', messagesPath(seeded), { token: seeded.account.token, json: { content: 'slow' } });
    const started = Date.now();
    const message = await waitFor(
      async () => {
        const m = await messageStatus(t, seeded, sent.json.id);
        return m?.status === 'failed' ? m : undefined;
      },
      { timeoutMs: 9_000, intervalMs: 100, description: 'message marked failed after the timeout' },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_500);
    expect(message.content_attributes.external_error).toBe('Timed out reading data from server');
    expect(recorder.requests.filter((r) => r.body.event === 'message_created' && r.body.id === sent.json.id)).toHaveLength(1);
  }, 20_000);

  it('delivers to one URL concurrently up to SIDEKIQ_CONCURRENCY (no per-URL queue)', async () => {
    const recorder = await startRecorder({ hold: true });
    const t = await startTestTwin('3.8.0', { SIDEKIQ_CONCURRENCY: '3' });
    cleanup.push(
      () => t.twin.close(),
      () => recorder.close(),
    );
    const seeded = await seedConversation(t.url, recorder.url);
    const path = messagesPath(seeded);
    // Incoming messages: one message_created each (no first-reply conversation_updated); + conversation_created = 6 jobs.
    for (let i = 0; i < 5; i++) await call(t.url, 'POST', path, { token: seeded.account.token, json: { content: `in${i}`, message_type: 'incoming' } });
    await waitFor(() => recorder.held() === 3, { timeoutMs: 5_000, description: '3 webhooks to one URL in flight at once' });
    recorder.release();
    await t.twin.webhooksIdle();
    expect(recorder.requests).toHaveLength(6);
  });

  it('close() aborts a pending delivery instead of waiting for the receiver', async () => {
    const recorder = await startRecorder({ delayMs: 10_000 });
    cleanup.push(() => recorder.close());
    const t = await startTestTwin('3.8.0');
    const seeded = await seedConversation(t.url, recorder.url);
    await recorder.waitForCount(1);
    const started = Date.now();
    await t.twin.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(seeded.conversation.id).toBe(1);
  });
});
