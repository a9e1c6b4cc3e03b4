import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createMemorySink, type MemoryLogSink } from '../../common/log-sink.ts';
import { waitFor } from '../../common/wait-for.ts';
import type { StartedTwin } from '../../model/twin-types.ts';
import { startChatwootTwin } from '../chatwoot/start-chatwoot-twin.ts';
import type { EvolutionTwinVersion } from './evolution-config.ts';
import { startEvolutionTwin } from './start-evolution-twin.ts';
import { normaliseLog } from './test-support/call-sequence-fixture.ts';
import { camelCaseCreateBody, GEN2_KIT_ENV, http } from './test-support/evolution-test-kit.ts';
import { evolutionGeneration } from '../../model/axes.ts';
import { kitDatabaseEnv, stopKitDatabase } from './test-support/kit-database.ts';
import { WHATSAPP_CONTROL_PREFIX } from '../whatsapp/whatsapp-control-api.ts';

/**
 * The Evolution twin against the real Chatwoot twin of each version, both on loopback sockets,
 * Chatwoot's webhooks flowing back to Evolution's SERVER_URL: the end states of the known-answer
 * grid (evolution-api-1.7.md "Known-answer grid").
 */
type ChatwootVersion = '3.7.0' | '3.8.0' | '3.9.0';

const API_KEY = 'e2e-global-key';
const INSTANCE = 'e2e-shop';
const DEADLINE = { timeoutMs: 15_000, intervalMs: 50 };

interface Cell {
  chatwootUrl: string;
  evolutionUrl: string;
  token: string;
  accountId: number;
  evolutionLog: MemoryLogSink;
  close(): Promise<void>;
}

const cells: Cell[] = [];
afterEach(async () => {
  await Promise.all(cells.splice(0).map((cell) => cell.close()));
});
afterAll(stopKitDatabase);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startCell(evolution: EvolutionTwinVersion, chatwoot: ChatwootVersion): Promise<Cell> {
  const [chatwootPort, evolutionPort] = [await freePort(), await freePort()];
  const chatwootTwin: StartedTwin = await startChatwootTwin({
    env: { TWIN_VERSION: chatwoot, ENABLE_ACCOUNT_SIGNUP: 'true', FRONTEND_URL: `http://127.0.0.1:${chatwootPort}` },
    port: chatwootPort,
    log: createMemorySink(),
  });
  const evolutionLog = createMemorySink();
  const evolutionTwin = await startEvolutionTwin({
    env: {
      TWIN_VERSION: evolution,
      SERVER_URL: `http://127.0.0.1:${evolutionPort}`,
      AUTHENTICATION_API_KEY: API_KEY,
      TWIN_QR_REFRESH_MS: '60000',
      ...(evolutionGeneration(evolution) === '2' ? { ...GEN2_KIT_ENV, ...(await kitDatabaseEnv()) } : {}),
    },
    port: evolutionPort,
    log: evolutionLog,
  });
  const signup = await http('POST', `${chatwootTwin.url}/api/v1/accounts`, {
    body: { account_name: 'E2E', user_full_name: 'E2E Admin', email: `admin-${evolution}-${chatwoot}@e2e.test`, password: 'Harness#2024' },
  });
  expect(signup.status).toBe(200);
  const data = (signup.json as { data: { access_token: string; account_id: number } }).data;
  const cell: Cell = {
    chatwootUrl: chatwootTwin.url,
    evolutionUrl: evolutionTwin.url,
    token: data.access_token,
    accountId: data.account_id,
    evolutionLog,
    close: async () => {
      await evolutionTwin.close();
      await chatwootTwin.close();
    },
  };
  cells.push(cell);
  return cell;
}

interface CwMessage {
  id: number;
  content: string | null;
  message_type: number;
  source_id: string | null;
  attachments?: Array<{ file_type: string; data_url: string }>;
}

function chatwoot(cell: Cell) {
  const base = `${cell.chatwootUrl}/api/v1/accounts/${cell.accountId}`;
  const headers = { api_access_token: cell.token };
  return {
    get: async (path: string) => (await http('GET', `${base}${path}`, { headers })).json as { payload: unknown[] },
    post: async (path: string, body: unknown) => http('POST', `${base}${path}`, { headers, body }),
    filterContacts: async (phone: string) =>
      (
        (
          await http('POST', `${base}/contacts/filter`, {
            headers,
            body: { payload: [{ attribute_key: 'phone_number', filter_operator: 'equal_to', values: [phone], query_operator: null }] },
          })
        ).json as { payload: Array<{ id: number; name: string }> }
      ).payload,
  };
}

async function bootstrap(cell: Cell, generation: '1.7' | '2' = '1.7') {
  const body =
    generation === '2'
      ? {
          ...camelCaseCreateBody(INSTANCE, cell.chatwootUrl),
          chatwootAccountId: String(cell.accountId),
          chatwootToken: cell.token,
          chatwootSignMsg: false,
        }
      : {
          instanceName: INSTANCE,
          chatwoot_account_id: String(cell.accountId),
          chatwoot_token: cell.token,
          chatwoot_url: cell.chatwootUrl,
          chatwoot_sign_msg: false,
          chatwoot_reopen_conversation: true,
          chatwoot_conversation_pending: false,
        };
  const created = await http('POST', `${cell.evolutionUrl}/instance/create`, { headers: { apikey: API_KEY }, body });
  expect(created.status).toBe(201);
  const cw = chatwoot(cell);
  const botContact = await waitFor(async () => (await cw.filterContacts('123456'))[0], { ...DEADLINE, description: 'the bot contact' });
  const conversation = await waitFor(
    async () => (await cw.get(`/contacts/${botContact.id}/conversations`)).payload[0] as { id: number; inbox_id: number } | undefined,
    {
      ...DEADLINE,
      description: 'the bot conversation',
    },
  );
  const messages = async (): Promise<CwMessage[]> => (await cw.get(`/conversations/${conversation.id}/messages`)).payload as CwMessage[];
  await waitFor(async () => (await messages()).some((message) => message.content === 'init'), { ...DEADLINE, description: 'the init message' });
  return { cw, botContact, conversation, messages };
}

const chatwootErrors = (cell: Cell) => (normaliseLog(cell.evolutionLog.lines()).match(/ERROR \[ChatwootService\] \[object\]/g) ?? []).length;

describe('Evolution twin × Chatwoot twin', () => {
  it.each([
    ['1.7.4', '3.7.0'],
    ['1.7.5', '3.8.0'],
    ['1.7.5', '3.9.0'],
  ] as const)('%s × %s: the QR image arrives and /status is answered', async (evolution, chatwootVersion) => {
    const cell = await startCell(evolution, chatwootVersion);
    const { cw, botContact, conversation, messages } = await bootstrap(cell);
    expect(botContact.name).toBe('EvolutionAPI');
    const inboxes = (await cw.get('/inboxes')).payload as Array<{ id: number; name: string; webhook_url: string }>;
    expect(inboxes.find((inbox) => inbox.id === conversation.inbox_id)).toMatchObject({
      name: INSTANCE,
      webhook_url: `${cell.evolutionUrl}/chatwoot/webhook/${INSTANCE}`,
    });

    const qrImage = await waitFor(async () => (await messages()).find((message) => message.attachments?.some((a) => a.file_type === 'image')), {
      ...DEADLINE,
      description: 'the QR image attachment',
    });
    expect(qrImage.content).toBe('QRCode successfully generated!');
    await waitFor(async () => (await messages()).some((message) => message.content?.startsWith('⚡️QRCode successfully generated!')), {
      ...DEADLINE,
      description: 'the QR text',
    });

    expect((await cw.post(`/conversations/${conversation.id}/messages`, { content: '/status', message_type: 'outgoing' })).status).toBe(200);
    await waitFor(async () => (await messages()).some((message) => message.content === `⚠️ ${INSTANCE} instance status: *connecting*.`), {
      ...DEADLINE,
      description: 'the status answer',
    });
    expect(chatwootErrors(cell)).toBe(0);
  });

  it.each(['3.8.0', '3.9.0'] as const)(
    '1.7.4 × %s: inbox, bot contact, conversation and init, but no QR image; /status fails with the logged 422',
    async (chatwootVersion) => {
      const cell = await startCell('1.7.4', chatwootVersion);
      const { conversation, messages } = await bootstrap(cell);
      await waitFor(() => chatwootErrors(cell) >= 1, { ...DEADLINE, description: 'the ChatwootService error for the QR' });
      const log = normaliseLog(cell.evolutionLog.lines());
      expect(log).toContain('ApiError: Generic Error');
      expect(log).toContain('status: 422');
      expect(log).toContain("statusText: 'Unprocessable Entity'");
      expect(log).toContain('Invalid attribute key - [contact_id]');
      // The SDK request as conversations.filter declares it (recorded from the real 1.7.4, util.inspect depth 2).
      expect(log).toContain("url: '/api/v1/accounts/{account_id}/conversations/filter'");
      expect(log).toContain("path: { account_id: '1' }");
      expect(log).toContain('query: { page: undefined }');
      expect(log).toContain('body: { payload: [Array] }');
      expect(log).toContain("errors: { '400': 'Bad Request Error' }");
      expect((await messages()).map((message) => message.content)).toEqual(['init']);

      const cw = chatwoot(cell);
      expect((await cw.post(`/conversations/${conversation.id}/messages`, { content: '/status', message_type: 'outgoing' })).status).toBe(200);
      await waitFor(() => chatwootErrors(cell) >= 2, { ...DEADLINE, description: 'the ChatwootService error for /status' });
      expect((await messages()).map((message) => message.content)).toEqual(['init', '/status']);

      // Inbound WhatsApp → Chatwoot still works in the failing cell (it never uses conversations/filter).
      const control = `${cell.evolutionUrl}${WHATSAPP_CONTROL_PREFIX}/instances/${INSTANCE}`;
      expect((await http('POST', `${control}/scan`, { body: {} })).status).toBe(200);
      await waitFor(() => chatwootErrors(cell) >= 3, { ...DEADLINE, description: 'the failed "connected" message' });
      expect(
        (await http('POST', `${control}/inbound`, { body: { from: '5511999990001', pushName: 'Alice', id: '3EB0E2E0000000000001', text: 'Olá' } })).status,
      ).toBe(202);
      const customer = await waitFor(async () => (await cw.filterContacts('5511999990001'))[0], { ...DEADLINE, description: 'the customer contact' });
      const customerConversation = await waitFor(
        async () => (await cw.get(`/contacts/${customer.id}/conversations`)).payload[0] as { id: number } | undefined,
        {
          ...DEADLINE,
          description: 'the customer conversation',
        },
      );
      const inbound = await waitFor(
        async () => ((await cw.get(`/conversations/${customerConversation.id}/messages`)).payload as CwMessage[]).find((m) => m.content === 'Olá'),
        { ...DEADLINE, description: 'the inbound message' },
      );
      expect(inbound).toMatchObject({ message_type: 0, source_id: 'WAID:3EB0E2E0000000000001' });
    },
  );

  it.each([
    ['2.1.2', '3.7.0'],
    ['2.2.3', '3.8.0'],
    ['2.3.6', '3.9.0'],
  ] as const)('%s × %s: bootstrap and /status over camelCase, never conversations/filter (2.x grid)', async (evolution, chatwootVersion) => {
    const cell = await startCell(evolution, chatwootVersion);
    const { cw, botContact, conversation, messages } = await bootstrap(cell, '2');
    expect(botContact.name).toBe('EvolutionAPI');
    expect((await cw.post(`/conversations/${conversation.id}/messages`, { content: 'status', message_type: 'outgoing' })).status).toBe(200);
    // Chatwoot's webhook for `init` reached Evolution and started a connection (2.x §4a), so the state is not §4e's `close`.
    await waitFor(async () => (await messages()).some((message) => message.content === `⚠️ ${INSTANCE} instance status: *connecting*.`), {
      ...DEADLINE,
      description: 'the status answer',
    });
    expect(chatwootErrors(cell)).toBe(0);
  });
});
