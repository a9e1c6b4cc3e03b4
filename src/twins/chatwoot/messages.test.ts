import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatwootVersion } from '../../model/axes.ts';
import { call, sdkMultipart, seedConversation, startRecorder, startTestTwin, type TestTwin } from './test-support/chatwoot-test-kit.ts';

describe('messages (identical in all versions)', () => {
  let t: TestTwin;
  let seeded: Awaited<ReturnType<typeof seedConversation>>;
  const path = (suffix = '') => `/api/v1/accounts/${seeded.account.accountId}/conversations/${seeded.conversation.id}/messages${suffix}`;
  const post = (json: unknown) => call(t.url, 'POST', path(), { token: seeded.account.token, json });

  beforeAll(async () => {
    t = await startTestTwin('3.8.0');
    seeded = await seedConversation(t.url);
  });
  afterAll(() => t.twin.close());

  it('JSON create: integer message_type, unix created_at, user sender for outgoing, contact sender for incoming', async () => {
    const outgoing = await post({ content: 'hello', message_type: 'outgoing', echo_id: 'e-1' });
    expect(outgoing.status).toBe(200);
    expect(outgoing.json).toMatchObject({
      content: 'hello',
      inbox_id: seeded.inbox.id,
      conversation_id: seeded.conversation.id,
      message_type: 1,
      content_type: 'text',
      status: 'sent',
      private: false,
      echo_id: 'e-1',
      sender: { type: 'user', id: seeded.account.userId },
    });
    expect(Number.isInteger(outgoing.json.created_at)).toBe(true);
    const incoming = await post({ content: 'hi', message_type: 'incoming', source_id: 'WAID:1' });
    expect(incoming.json).toMatchObject({ message_type: 0, source_id: 'WAID:1', sender: { type: 'contact', id: seeded.contact.id } });
    expect((await post({ content: 'x' })).json.message_type).toBe(1);
  });

  it('answers 422 {error} for an unknown message_type', async () => {
    expect(await post({ content: 'x', message_type: 'foo' })).toMatchObject({ status: 422, json: { error: "'foo' is not a valid message_type" } });
  });

  it('the SDK-style multipart fixture really is chunked, without Content-Length or part Content-Type', async () => {
    const recorder = await startRecorder();
    try {
      const form = sdkMultipart([{ name: 'content', value: 'x' }]);
      await call(recorder.url.replace('/chatwoot/webhook/test', ''), 'POST', '/probe', { headers: form.headers, body: form.body });
      const [probe] = await recorder.waitForCount(1);
      expect(probe!.headers['transfer-encoding']).toBe('chunked');
      expect(probe!.headers['content-length']).toBeUndefined();
      expect(String(probe!.body)).toContain('Content-Disposition: form-data; name="content"\r\n\r\nx');
      expect(String(probe!.body)).not.toContain('Content-Type');
    } finally {
      await recorder.close();
    }
  });

  it('accepts the SDK multipart: chunked, lower-case content-type, parts without Content-Type, JSON-string content_attributes', async () => {
    const form = sdkMultipart([
      { name: 'content', value: 'olá ⚡️' },
      { name: 'message_type', value: 'incoming' },
      { name: 'private', value: 'false' },
      { name: 'source_id', value: 'WAID:ABC' },
      { name: 'content_attributes', value: JSON.stringify({ in_reply_to: null, in_reply_to_external_id: 'WAID:X' }) },
    ]);
    const answer = await call(t.url, 'POST', path(), { token: seeded.account.token, headers: form.headers, body: form.body });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      content: 'olá ⚡️',
      message_type: 0,
      source_id: 'WAID:ABC',
    });
    // MessageBuilder keeps only in_reply_to/items of the param: in_reply_to_external_id is dropped (measured).
    expect(answer.json.content_attributes).toEqual({});
    const broken = sdkMultipart([
      { name: 'content', value: 'x' },
      { name: 'content_attributes', value: '{not json' },
    ]);
    const brokenAnswer = await call(t.url, 'POST', path(), { token: seeded.account.token, headers: broken.headers, body: broken.body });
    expect(brokenAnswer.json.content_attributes).toEqual({});
  });

  it('lists the latest 20 ascending, with before/after windows', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 25; i++) ids.push((await post({ content: `m${i}` })).json.id);
    const latest = await call(t.url, 'GET', path(), { token: seeded.account.token });
    expect(latest.status).toBe(200);
    expect(latest.json.meta).toMatchObject({ labels: [], contact: { id: seeded.contact.id } });
    const latestIds = latest.json.payload.map((m: { id: number }) => m.id);
    expect(latestIds).toHaveLength(20);
    expect(latestIds.at(-1)).toBe(ids.at(-1));
    expect(latestIds).toEqual([...latestIds].sort((a, b) => a - b));
    const before = await call(t.url, 'GET', path(`?before=${ids[5]}`), { token: seeded.account.token });
    expect(before.json.payload.map((m: { id: number }) => m.id).at(-1)).toBe(ids[4]);
    const after = await call(t.url, 'GET', path(`?after=${ids[20]}`), { token: seeded.account.token });
    expect(after.json.payload.map((m: { id: number }) => m.id)).toEqual(ids.slice(21));
  });

  it('delete keeps the message with the deleted text in the account locale', async () => {
    const message = await post({ content: 'to delete' });
    const answer = await call(t.url, 'DELETE', path(`/${message.json.id}`), { token: seeded.account.token });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ id: message.json.id, content: 'This message was deleted', content_attributes: { deleted: true } });

    const pt = await seedConversation(t.url, '', { locale: 'pt_BR' });
    const ptPath = `/api/v1/accounts/${pt.account.accountId}/conversations/${pt.conversation.id}/messages`;
    const ptMessage = await call(t.url, 'POST', ptPath, { token: pt.account.token, json: { content: 'apagar' } });
    const ptDeleted = await call(t.url, 'DELETE', `${ptPath}/${ptMessage.json.id}`, { token: pt.account.token });
    expect(ptDeleted.json.content).toBe('Esta mensagem foi apagada');
  });

  it('an incoming message reopens a resolved conversation', async () => {
    const base = `/api/v1/accounts/${seeded.account.accountId}/conversations/${seeded.conversation.id}`;
    await call(t.url, 'POST', `${base}/toggle_status`, { token: seeded.account.token, json: { status: 'resolved' } });
    await post({ content: 'back', message_type: 'incoming' });
    expect((await call(t.url, 'GET', base, { token: seeded.account.token })).json.status).toBe('open');
  });

  it('refuses more than 15 attachments without storing anything', async () => {
    const parts = Array.from({ length: 16 }, (_, i) => ({ name: 'attachments[]', value: Buffer.from(`file ${i}`), filename: `f${i}.txt` }));
    const form = sdkMultipart([{ name: 'content', value: 'many' }, ...parts]);
    const before = (await call(t.url, 'GET', path(), { token: seeded.account.token })).json.payload.at(-1).id;
    const answer = await call(t.url, 'POST', path(), { token: seeded.account.token, headers: form.headers, body: form.body });
    expect(answer.status).toBe(422);
    expect((await call(t.url, 'GET', path(), { token: seeded.account.token })).json.payload.at(-1).id).toBe(before);
  });
});

describe('3.9.0 message flood guard (count >= limit before saving)', () => {
  let t: TestTwin | undefined;
  afterEach(async () => {
    await t?.twin.close();
    t = undefined;
  });

  async function sendMany(version: ChatwootVersion, env: Record<string, string>, count: number) {
    t = await startTestTwin(version, env);
    const seeded = await seedConversation(t.url);
    const path = `/api/v1/accounts/${seeded.account.accountId}/conversations/${seeded.conversation.id}/messages`;
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < count; i++) {
      last = await call(t.url, 'POST', path, { token: seeded.account.token, json: { content: `m${i}`, message_type: 'incoming' } });
      statuses.push(last.status);
    }
    return { statuses, last: last! };
  }

  it('with the default 200, the 201st message in a minute is refused on 3.9.0', async () => {
    const { statuses, last } = await sendMany('3.9.0', {}, 201);
    expect(statuses.slice(0, 200).every((status) => status === 200)).toBe(true);
    expect(statuses[200]).toBe(422);
    expect(last.json).toEqual({ error: 'Validation failed: Too many messages' });
  });

  it('honours CONVERSATION_MESSAGE_PER_MINUTE_LIMIT on 3.9.0 (limit 2: two succeed, the third fails)', async () => {
    const { statuses } = await sendMany('3.9.0', { CONVERSATION_MESSAGE_PER_MINUTE_LIMIT: '2' }, 3);
    expect(statuses).toEqual([200, 200, 422]);
  });

  it.each(['3.7.0', '3.8.0'] as const)('%s has no flood guard (201 messages pass even with the env var set)', async (version) => {
    const { statuses } = await sendMany(version, { CONVERSATION_MESSAGE_PER_MINUTE_LIMIT: '2' }, 201);
    expect(statuses.every((status) => status === 200)).toBe(true);
  });
});
