import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySink } from '../common/log-sink.ts';
import { createRedactor, REDACTED } from '../common/redact.ts';
import { startTwin } from '../twins/start-twin.ts';
import type { StartedTwin } from '../model/twin-types.ts';
import { ChatwootClient, MESSAGE_TYPE, signInChatwoot, signupChatwootAccount } from './chatwoot-client.ts';
import { ApiResponseError } from './http-client.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe('Chatwoot client against the Chatwoot twin 3.8.0', () => {
  let twin: StartedTwin;
  let client: ChatwootClient;
  const redactor = createRedactor();

  beforeAll(async () => {
    twin = await startTwin('chatwoot', {
      env: { TWIN_VERSION: '3.8.0', ENABLE_ACCOUNT_SIGNUP: 'true', FRONTEND_URL: 'http://127.0.0.1:1' },
      port: 0,
      log: createMemorySink(),
    });
    const session = await signupChatwootAccount(
      twin.url,
      { accountName: 'acme', email: 'admin@client.test', password: 'Secret#2024', userName: 'Admin', locale: 'pt_BR' },
      redactor,
    );
    client = new ChatwootClient({ baseUrl: twin.url, accountId: session.accountId, token: session.token, redactor });
  });
  afterAll(() => twin?.close());

  it('creates and reads inboxes, contacts, conversations and messages (JSON and multipart)', async () => {
    const inbox = await client.createInbox('client-test');
    expect(await client.inboxNamed('client-test')).toMatchObject({ id: inbox.id, channel_type: 'Channel::Api' });
    const contact = await client.createContact({ inboxId: inbox.id, name: 'Ana', phoneNumber: '+5511912345678' });
    expect(await client.findContactByPhone('5511912345678')).toMatchObject({ id: contact.id });
    const conversation = await client.createConversation({ inboxId: inbox.id, contactId: contact.id });
    expect((await client.contactConversations(contact.id)).map((c) => c.id)).toContain(conversation.id);

    const text = await client.createMessage(conversation.id, { content: 'hello', messageType: 'outgoing' });
    expect(text.message_type).toBe(MESSAGE_TYPE.outgoing);
    const file = await client.createMessage(conversation.id, {
      content: 'file',
      messageType: 'outgoing',
      attachments: [{ name: 'a.png', contentType: 'image/png', data: PNG }],
    });
    expect(file.attachments?.[0]).toMatchObject({ file_type: 'image' });
    expect((await client.messages(conversation.id)).map((m) => m.content)).toEqual(expect.arrayContaining(['hello', 'file']));
  });

  it('signs in only confirmed users (signup users are not)', async () => {
    const error = await signInChatwoot(twin.url, { email: 'admin@client.test', password: 'Secret#2024' }, redactor).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiResponseError);
    expect((error as ApiResponseError).status).toBe(401);
    expect((error as ApiResponseError).body).toContain('confirmation email');
  });

  it('returns filter errors raw, in the account locale', async () => {
    const response = await client.filterConversations([{ attribute_key: 'contact_id', filter_operator: 'equal_to', values: ['1'], query_operator: null }]);
    expect(response.status).toBe(422);
    expect((response.json as { error: string }).error).toMatch(/^Chave de atributo inválido - \[contact_id\]/);
  });

  it('raises a typed error with the token redacted', async () => {
    const error = await client.createContact({ name: 'Bad', phoneNumber: 'not-a-phone' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiResponseError);
    expect((error as ApiResponseError).status).toBe(422);
    const leaky = new ChatwootClient({ baseUrl: twin.url, accountId: 999, token: 'tok-visible-nowhere', redactor });
    const unauthorized = await leaky.inboxes().catch((e: unknown) => e);
    expect((unauthorized as ApiResponseError).status).toBe(401);
    expect((unauthorized as Error).message).not.toContain('tok-visible-nowhere');
    expect(redactor.text('tok-visible-nowhere')).toBe(REDACTED);
  });
});
