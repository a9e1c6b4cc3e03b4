import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../common/wait-for.ts';
import { contentOf, KIT_API_KEY, startKit, type Kit } from './test-support/evolution-test-kit.ts';
import { agentReplyWebhook, botWebhook } from './test-support/call-sequence-flows.ts';
import { startRecordingChatwoot } from './test-support/recording-chatwoot-server.ts';
import type { SentRecord } from '../whatsapp/simulated-whatsapp.ts';

/** Flows that need the simulated WhatsApp: QR, pairing, sending, inbound, restart (§3b-§3d, §7). */
const kits: Kit[] = [];
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((kit) => kit.close()));
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
async function kit(options: Parameters<typeof startKit>[0]): Promise<Kit> {
  const started = await startKit(options);
  kits.push(started);
  return started;
}
const globalKey = { apikey: KIT_API_KEY };
const DEADLINE = { timeoutMs: 10_000, intervalMs: 20 };
/** GET /instance/fetchInstances?instanceName=… as these tests read it. */
interface InstanceAnswer {
  instance: { instanceId: string };
}

/**
 * The instance's own init and QR messages: an earlier instance's messages (its QR refreshes too) must not count,
 * so the QR is looked for in the conversation the new init message went to.
 */
async function createAndConnect(k: Kit, name = 'shop'): Promise<void> {
  const initsBefore = k.messagePosts().filter((call) => contentOf(call) === 'init').length;
  expect((await k.createWithChatwoot(name)).status).toBe(201);
  const init = await waitFor(() => k.messagePosts().filter((call) => contentOf(call) === 'init')[initsBefore], {
    ...DEADLINE,
    description: `the init message of ${name}`,
  });
  await k.webhook(name, botWebhook('init', name));
  await waitFor(() => k.messagePosts().find((call) => call.path === init.path && contentOf(call)?.startsWith('⚡️')), {
    ...DEADLINE,
    description: `the QR text of ${name}`,
  });
}

async function pair(k: Kit, name = 'shop'): Promise<void> {
  const scanned = await k.control('POST', `/instances/${name}/scan`, { number: '5511900000000', pushName: 'Shop Phone' });
  expect(scanned.status).toBe(200);
  await k.waitForMessage((content) => content === '🚀 Connection successfully established!', 'the connected message');
}

async function sent(k: Kit, name = 'shop'): Promise<SentRecord[]> {
  return ((await k.control('GET', `/instances/${name}/sent`)).json as { messages: SentRecord[] }).messages;
}

describe('QR codes (§3b)', () => {
  it('refreshes the QR until QRCODE_LIMIT, then posts the limit message and closes', async () => {
    const k = await kit({ version: '1.7.5', env: { QRCODE_LIMIT: '2', TWIN_QR_REFRESH_MS: '40' } });
    expect((await k.createWithChatwoot('shop')).status).toBe(201);
    await k.waitForMessage((content) => content === 'init', 'the init message');
    await k.webhook('shop', botWebhook('init'));
    await k.waitForMessage((content) => content.startsWith('🚨 QRCode generation limit reached'), 'the QR limit message');
    // The two QR deliveries run concurrently with the limit message; wait for all of them.
    await waitFor(() => k.messagePosts().filter((call) => contentOf(call)?.startsWith('⚡️')).length === 2, { ...DEADLINE, description: 'two QR texts' });
    const uploads = k.messagePosts().filter((call) => call.parts?.some((part) => part.name === 'attachments[]'));
    expect(uploads).toHaveLength(2);
    expect(k.messagePosts().filter((call) => contentOf(call)?.startsWith('🚨'))).toHaveLength(1);
    expect((await k.api('GET', '/instance/connectionState/shop', undefined, globalKey)).json).toEqual({ instance: { instanceName: 'shop', state: 'close' } });
    expect((await k.control('POST', '/instances/shop/scan', {})).status).toBe(409);
  });

  it('renders the QR with QRCODE_COLOR and serves it on the control API and /instance/connect', async () => {
    const k = await kit({ version: '1.7.4', env: { QRCODE_COLOR: '#ff0000' } });
    await k.api('POST', '/instance/create', { instanceName: 'plain' }, globalKey);
    expect((await k.control('GET', '/instances/plain/qr')).status).toBe(404);
    const connected = await k.api('GET', '/instance/connect/plain', undefined, globalKey);
    expect(connected.status).toBe(200);
    const qr = connected.json as { pairingCode: null; code: string; base64: string; count: number };
    expect(Object.keys(qr)).toEqual(['pairingCode', 'code', 'base64', 'count']);
    expect(qr.count).toBe(1);
    expect(qr.code).toMatch(/^2@/);
    const expected = await QRCode.toDataURL(qr.code, { margin: 3, scale: 4, errorCorrectionLevel: 'H', color: { light: '#ffffff', dark: '#ff0000' } });
    expect(qr.base64).toBe(expected);
    expect((await k.control('GET', '/instances/plain/qr')).json).toMatchObject({ instanceName: 'plain', count: 1, base64: expected });
    expect((await k.api('GET', '/instance/connectionState/plain', undefined, globalKey)).json).toMatchObject({ instance: { state: 'connecting' } });
  }, 15_000);

  it('adds the pairing code to the QR text for `init:<number>`', async () => {
    const k = await kit({ version: '1.7.5' });
    await k.createWithChatwoot('shop');
    await k.waitForMessage((content) => content === 'init', 'the init message');
    await k.webhook('shop', botWebhook('/init:5511900000000'));
    const text = await k.waitForMessage((content) => content.startsWith('⚡️'), 'the QR text');
    expect(contentOf(text)).toMatch(/\n\n\*Pairing Code:\* [1-9A-Z]{4}-[1-9A-Z]{4}$/);
  });

  it('posts nothing for the QR on 1.7.4 against a 422 Chatwoot, on every refresh', async () => {
    const k = await kit({ version: '1.7.4', recorder: { filterStyle: '3.8' }, env: { TWIN_QR_REFRESH_MS: '40', QRCODE_LIMIT: '3' } });
    await k.createWithChatwoot('shop');
    await k.waitForMessage((content) => content === 'init', 'the init message');
    await k.webhook('shop', botWebhook('init'));
    await waitFor(() => k.recorder.calls().filter((call) => call.path.endsWith('/conversations/filter')).length >= 4, {
      ...DEADLINE,
      description: '3 QRs and the limit message',
    });
    await waitFor(() => (k.logText().match(/ERROR \[ChatwootService\] \[object\]/g) ?? []).length >= 4, { ...DEADLINE, description: 'four logged errors' });
    expect(k.messagePosts().map(contentOf)).toEqual(['init']);
  });
});

describe('pairing, bot commands and logout', () => {
  it('answers the status command in pt-BR and es', async () => {
    for (const [language, expected] of [
      ['pt-BR', '⚠️ Status da instância shop: *close*.'],
      ['es', '⚠️ Estado de la instancia shop: *close*.'],
    ] as const) {
      const k = await kit({ version: '1.7.5', env: { LANGUAGE: language } });
      await k.createWithChatwoot('shop');
      await k.waitForMessage((content) => content === 'init', 'the init message');
      expect((await k.webhook('shop', botWebhook('status', 'shop'))).json).toEqual({ message: 'bot' });
      expect(contentOf(k.messagePosts().at(-1)!)).toBe(expected);
    }
  });

  it('pairs on scan, then `disconnect` logs out with the closed-status message', async () => {
    const k = await kit({ version: '1.7.4' });
    await createAndConnect(k);
    await pair(k);
    const info = (await k.api('GET', '/instance/fetchInstances?instanceName=shop', undefined, globalKey)).json as { instance: Record<string, unknown> };
    expect(info.instance).toMatchObject({ status: 'open', owner: '5511900000000@s.whatsapp.net', profileName: 'Shop Phone' });
    expect((await k.api('DELETE', '/instance/delete/shop', undefined, globalKey)).json).toMatchObject({
      status: 400,
      response: { message: ['The "shop" instance needs to be disconnected'] },
    });
    await k.webhook('shop', botWebhook('desconectar', 'shop'));
    await k.waitForMessage((content) => content === '⚠️ shop instance status: *closed*.', 'the closed status');
    expect(k.messagePosts().map(contentOf)).toContain('🚨 Disconnecting WhatsApp from inbox *shop*.');
    expect((await k.api('GET', '/instance/connectionState/shop', undefined, globalKey)).json).toMatchObject({ instance: { state: 'close' } });
    expect((await k.api('DELETE', '/instance/logout/shop', undefined, globalKey)).json).toEqual({
      status: 400,
      error: 'Bad Request',
      response: { message: ['The "shop" instance is not connected'] },
    });
    expect((await k.api('DELETE', '/instance/delete/shop', undefined, globalKey)).json).toEqual({
      status: 'SUCCESS',
      error: false,
      response: { message: 'Instance deleted' },
    });
    expect((await k.api('GET', '/instance/connectionState/shop', undefined, globalKey)).status).toBe(404);
  });

  it('ignores private notes, updates without deletion and payloads without a conversation', async () => {
    const k = await kit({ version: '1.7.4' });
    await k.createWithChatwoot('shop');
    await k.waitForMessage((content) => content === 'init', 'the init message');
    k.recorder.clear();
    for (const body of [
      { ...botWebhook('status', 'shop'), private: true },
      { ...botWebhook('status', 'shop'), event: 'message_updated' },
      { event: 'message_created', content: 'status' },
    ]) {
      expect((await k.webhook('shop', body)).json).toEqual({ message: 'bot' });
    }
    expect(k.recorder.calls()).toEqual([]);
  });
});

describe('sending to WhatsApp (§2.7, §3d)', () => {
  it('sendText: closed connection, unknown number, then a sent and mirrored message', async () => {
    const k = await kit({ version: '1.7.5' });
    await createAndConnect(k);
    const closed = await k.api('POST', '/message/sendText/shop', { number: '5511977770003', textMessage: { text: 'hi' } }, globalKey);
    expect(closed.json).toEqual({ status: 500, error: 'Internal Server Error', response: { message: 'Connection Closed' } });
    await pair(k);

    const unknown = await k.api('POST', '/message/sendText/shop', { number: '5511977770003', textMessage: { text: 'hi' } }, globalKey);
    expect(unknown.json).toEqual({
      status: 400,
      error: 'Bad Request',
      response: { message: [{ exists: false, jid: '5511977770003@s.whatsapp.net', number: '5511977770003' }] },
    });
    await k.waitForMessage((content) => content.includes('not a valid Whatsapp number'), 'the private note');

    expect((await k.control('PUT', '/numbers', { numbers: ['+55 11 97777-0003'] })).json).toEqual({ numbers: ['5511977770003'] });
    const answer = await k.api('POST', '/message/sendText/shop', { number: '5511977770003', textMessage: { text: 'Hello *you*' } }, globalKey);
    expect(answer.status).toBe(201);
    const message = answer.json as { key: { id: string; remoteJid: string; fromMe: boolean }; status: string };
    expect(message.key).toEqual({ remoteJid: '5511977770003@s.whatsapp.net', fromMe: true, id: expect.stringMatching(/^BAE5[0-9A-F]{12}$/) });
    expect(message.status).toBe('PENDING');
    const mirrored = await waitFor(
      () => k.messagePosts().find((call) => call.parts?.some((part) => part.name === 'source_id' && part.data.toString() === `WAID:${message.key.id}`)),
      { ...DEADLINE, description: 'the mirrored outgoing message' },
    );
    expect(mirrored.parts?.map((part) => [part.name, part.data.toString()])).toEqual([
      ['content', 'Hello **you**'],
      ['message_type', 'outgoing'],
      ['private', 'false'],
      ['source_id', `WAID:${message.key.id}`],
      ['content_attributes', '{}'],
    ]);
    expect((await sent(k)).map((record) => [record.kind, record.to, record.text])).toEqual([['text', '5511977770003', 'Hello *you*']]);
  });

  it('agent attachment replies: the data_url is fetched (redirect followed) and sent as media', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const recorder = await startRecordingChatwoot({
      filterStyle: '3.7',
      files: {
        '/rails/active_storage/blobs/redirect/abc/photo.png': { status: 302, location: '/storage/photo.png' },
        '/storage/photo.png': { status: 200, contentType: 'image/png', body: png },
      },
    });
    cleanups.push(() => recorder.close());
    const k = await kit({ version: '1.7.4', recorderInstance: recorder });
    await createAndConnect(k);
    await pair(k);
    await k.control('PUT', '/numbers', { numbers: ['5511999990001'] });
    const reply = agentReplyWebhook('5511999990001', 'see attached');
    const dataUrl = `${recorder.url}/rails/active_storage/blobs/redirect/abc/photo.png`;
    (reply.conversation.messages[0] as Record<string, unknown>).attachments = [{ id: 1, file_type: 'image', data_url: dataUrl }];
    expect((await k.webhook('shop', reply)).json).toEqual({ message: 'bot' });
    const records = await sent(k);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      kind: 'media',
      to: '5511999990001',
      media: { url: dataUrl, mimetype: 'image/png', fileName: 'photo.png', caption: '*Agent Smith:*\nsee attached', mediatype: 'image', size: png.length },
    });
  });
});

describe('inbound WhatsApp media (§3c step 4)', () => {
  it('uploads the file with only api_access_token, a random name and source_id', async () => {
    const k = await kit({ version: '1.7.5' });
    await createAndConnect(k);
    await pair(k);
    k.recorder.clear();
    const png = await QRCode.toBuffer('media');
    const injected = await k.control('POST', '/instances/shop/inbound', {
      from: '5511999990001',
      pushName: 'Alice',
      id: '3EB0MEDIA000000000001',
      media: { base64: png.toString('base64'), mimetype: 'image/png', caption: 'look' },
    });
    expect(injected.status).toBe(202);
    const upload = await waitFor(() => k.messagePosts()[0], { ...DEADLINE, description: 'the media upload' });
    expect(upload.headers.authorization).toBeUndefined();
    expect(upload.headers.api_access_token).toBe('kit-token');
    expect(upload.parts?.map((part) => [part.name, part.filename === undefined ? part.data.toString() : `${part.contentType}`])).toEqual([
      ['content', 'look'],
      ['message_type', 'incoming'],
      ['attachments[]', 'image/png'],
      ['source_id', 'WAID:3EB0MEDIA000000000001'],
    ]);
    const file = upload.parts!.find((part) => part.name === 'attachments[]')!;
    expect(file.filename).toMatch(/^[0-9a-z]*\.png$/);
    expect(file.data.equals(png)).toBe(true);
  });
});

describe('inbound with conversation_pending (§3c steps 8-9)', () => {
  it('creates the conversation as pending, then toggles the reopened one to pending', async () => {
    const k = await kit({ version: '1.7.4' });
    expect((await k.createWithChatwoot('shop', { chatwoot_conversation_pending: true })).status).toBe(201);
    await k.waitForMessage((content) => content === 'init', 'the init message');
    await k.webhook('shop', botWebhook('init', 'shop'));
    await k.waitForMessage((content) => content.startsWith('⚡️'), 'the QR text');
    await pair(k);
    k.recorder.clear();
    for (const [id, text] of [
      ['3EB0PENDING0000000001', 'one'],
      ['3EB0PENDING0000000002', 'two'],
    ]) {
      await k.control('POST', '/instances/shop/inbound', { from: '5511999990001', pushName: 'Alice', id, text });
      await k.waitForMessage((content) => content === text, `the relay of ${text}`);
    }
    const writes = k.recorder.calls().filter((call) => call.method !== 'GET' && !call.path.endsWith('/filter'));
    expect(writes.map((call) => [call.method, call.path.replace('/api/v1/accounts/1', ''), call.json ?? contentOf(call)])).toEqual([
      ['POST', '/contacts', { inbox_id: 7, name: 'Alice', phone_number: '+5511999990001', identifier: '5511999990001@s.whatsapp.net', avatar_url: null }],
      ['POST', '/conversations', { contact_id: '12', inbox_id: '7', status: 'pending' }],
      ['POST', '/conversations/2/messages', 'one'],
      ['PUT', '/contacts/12', { name: 'Alice', avatar_url: null }],
      ['POST', '/conversations/2/toggle_status', { status: 'pending' }],
      ['POST', '/conversations/2/messages', 'two'],
    ]);
  });
});

describe('restart behaviour (§7)', () => {
  it('reloads stored instances: unpaired ones start QR generation again, paired ones reopen', async () => {
    const storeDir = mkdtempSync(join(tmpdir(), 'evolution-restart-'));
    cleanups.push(() => rmSync(storeDir, { recursive: true, force: true }));
    const recorder = await startRecordingChatwoot({ filterStyle: '3.7' });
    cleanups.push(() => recorder.close());

    const first = await startKit({ version: '1.7.5', recorderInstance: recorder, env: { TWIN_STORE_DIR: storeDir } });
    await createAndConnect(first, 'waiting');
    await createAndConnect(first, 'paired');
    await pair(first, 'paired');
    const instanceId = ((await first.api('GET', '/instance/fetchInstances?instanceName=waiting', undefined, globalKey)).json as InstanceAnswer).instance
      .instanceId;
    await first.close();
    recorder.clear();

    const second = await kit({ version: '1.7.5', recorderInstance: recorder, env: { TWIN_STORE_DIR: storeDir } });
    await second.waitForMessage((content) => content.startsWith('⚡️'), 'a QR after the restart');
    const states = Object.fromEntries(
      await Promise.all(
        ['waiting', 'paired'].map(async (name) => [
          name,
          ((await second.api('GET', `/instance/connectionState/${name}`, undefined, globalKey)).json as { instance: { state: string } }).instance.state,
        ]),
      ),
    );
    expect(states).toEqual({ waiting: 'connecting', paired: 'open' });
    expect(((await second.api('GET', '/instance/fetchInstances?instanceName=waiting', undefined, globalKey)).json as InstanceAnswer).instance.instanceId).toBe(
      instanceId,
    );
    // Only the unpaired instance produced QR messages.
    const qrTexts = second.messagePosts().filter((call) => contentOf(call)?.startsWith('⚡️'));
    expect(qrTexts).toHaveLength(1);
  });

  it('close() aborts in-flight Chatwoot calls instead of waiting for them (no timeouts upstream)', async () => {
    const recorder = await startRecordingChatwoot({ filterStyle: '3.7', hold: /\/inboxes$/ });
    cleanups.push(() => recorder.close());
    const k = await startKit({ version: '1.7.5', recorderInstance: recorder });
    expect((await k.createWithChatwoot('shop')).status).toBe(201);
    await waitFor(() => recorder.calls().length === 1, { ...DEADLINE, description: 'the held GET inboxes' });
    await k.close();
    expect(recorder.calls()[0]!.status).toBe(0);
    expect(k.logText()).not.toContain('unhandledRejection');
  });

  it('close() stops the server', async () => {
    const k = await startKit({ version: '1.7.4', env: { TWIN_QR_REFRESH_MS: '20' } });
    await k.api('POST', '/instance/create', { instanceName: 'a', qrcode: false }, globalKey);
    await k.close();
    await expect(k.api('GET', '/')).rejects.toThrow();
  });
});
