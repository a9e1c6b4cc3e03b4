import type { Redactor } from '../common/redact.ts';
import type { ExchangeScenario } from '../model/result-schema.ts';
import {
  ChatwootContact,
  ChatwootContactCreated,
  ChatwootConversation,
  ChatwootInbox,
  ChatwootList,
  ChatwootMessage,
  ChatwootSessionResponse,
} from './chatwoot-schemas.ts';
import { createHttpClient, type FilePart, type HttpCall, type HttpClient, type RawResponse } from './http-client.ts';

/** REST `message_type` integers (chatwoot-3.7-3.9.md §3.2); webhooks use the names. */
export const MESSAGE_TYPE = { incoming: 0, outgoing: 1, activity: 2, template: 3 } as const;

export interface ChatwootSession {
  userId: number;
  accountId: number;
  /** Secret. */
  token: string;
}

export interface SignupInput {
  accountName: string;
  email: string;
  password: string;
  userName: string;
  /** Becomes the account's locale (chatwoot-3.7-3.9.md §2.4): the language of its 422 filter errors. */
  locale: 'en' | 'pt_BR';
}

/** Chatwoot's signup API (`POST /api/v1/accounts?locale=`, needs ENABLE_ACCOUNT_SIGNUP; §6 D). */
export async function signupChatwootAccount(baseUrl: string, input: SignupInput, redactor?: Redactor): Promise<ChatwootSession> {
  const http = createHttpClient({ baseUrl, service: 'chatwoot', redactor });
  const response = await http.json(
    {
      method: 'POST',
      path: '/api/v1/accounts',
      query: { locale: input.locale },
      json: { account_name: input.accountName, user_full_name: input.userName, email: input.email, password: input.password },
    },
    ChatwootSessionResponse,
  );
  redactor?.add(response.data.access_token);
  return { userId: response.data.id, accountId: response.data.account_id, token: response.data.access_token };
}

/**
 * devise_token_auth sign-in (`POST /auth/sign_in`, §6 C): only for confirmed users (onboarding creates
 * one; signup users are unconfirmed and get 401). Throttled upstream to 5 per 5 min per IP.
 */
export async function signInChatwoot(baseUrl: string, credentials: { email: string; password: string }, redactor?: Redactor): Promise<ChatwootSession> {
  redactor?.add(credentials.password);
  const http = createHttpClient({ baseUrl, service: 'chatwoot', redactor });
  const response = await http.json({ method: 'POST', path: '/auth/sign_in', json: credentials }, ChatwootSessionResponse);
  redactor?.add(response.data.access_token);
  return { userId: response.data.id, accountId: response.data.account_id, token: response.data.access_token };
}

export interface NewMessage {
  content?: string;
  messageType?: 'incoming' | 'outgoing' | 'template';
  private?: boolean;
  sourceId?: string;
  /** Sent as multipart `attachments[]` when present (what the dashboard and Evolution do). */
  attachments?: FilePart[];
}

/** What scenarios need of Chatwoot's account API, with parsed answers (shapes: chatwoot-3.7-3.9.md §3). */
export class ChatwootClient {
  readonly http: HttpClient;
  readonly accountId: number;

  constructor(options: { baseUrl: string; accountId: number; token: string; redactor?: Redactor; scenario?: ExchangeScenario; keepAlive?: boolean }) {
    this.accountId = options.accountId;
    options.redactor?.add(options.token);
    this.http = createHttpClient({
      baseUrl: options.baseUrl,
      service: 'chatwoot',
      defaultHeaders: { api_access_token: options.token },
      redactor: options.redactor,
      scenario: options.scenario,
      keepAlive: options.keepAlive,
    });
  }

  /** Path below `/api/v1/accounts/{id}`. */
  accountPath(path: string): string {
    return `/api/v1/accounts/${this.accountId}${path}`;
  }

  raw(call: HttpCall): Promise<RawResponse> {
    return this.http.raw(call);
  }

  async inboxes(): Promise<ChatwootInbox[]> {
    return (await this.http.json({ method: 'GET', path: this.accountPath('/inboxes') }, ChatwootList(ChatwootInbox))).payload;
  }

  async inboxNamed(name: string): Promise<ChatwootInbox | undefined> {
    return (await this.inboxes()).find((inbox) => inbox.name === name);
  }

  /** An API-channel inbox (admin only); an empty webhook_url means Chatwoot posts no webhooks for it. */
  async createInbox(name: string, webhookUrl = ''): Promise<ChatwootInbox> {
    return this.http.json(
      { method: 'POST', path: this.accountPath('/inboxes'), json: { name, channel: { type: 'api', webhook_url: webhookUrl } } },
      ChatwootInbox,
    );
  }

  async createContact(input: { inboxId?: number; name: string; phoneNumber?: string; identifier?: string }): Promise<ChatwootContact> {
    const body = { inbox_id: input.inboxId, name: input.name, phone_number: input.phoneNumber, identifier: input.identifier };
    return (await this.http.json({ method: 'POST', path: this.accountPath('/contacts'), json: body }, ChatwootContactCreated)).payload.contact;
  }

  /** `contacts/filter` with a raw payload; the raw answer, since filter errors are what some scenarios look at. */
  filterContacts(payload: unknown): Promise<RawResponse> {
    return this.http.raw({ method: 'POST', path: this.accountPath('/contacts/filter'), json: { payload } });
  }

  filterConversations(payload: unknown): Promise<RawResponse> {
    return this.http.raw({ method: 'POST', path: this.accountPath('/conversations/filter'), json: { payload } });
  }

  async findContactByPhone(phoneWithoutPlus: string): Promise<ChatwootContact | undefined> {
    const payload = [{ attribute_key: 'phone_number', filter_operator: 'equal_to', values: [phoneWithoutPlus], query_operator: null }];
    const response = await this.http.json({ method: 'POST', path: this.accountPath('/contacts/filter'), json: { payload } }, ChatwootList(ChatwootContact));
    return response.payload.find((contact) => contact.phone_number === `+${phoneWithoutPlus}`);
  }

  async contactConversations(contactId: number): Promise<ChatwootConversation[]> {
    return (await this.http.json({ method: 'GET', path: this.accountPath(`/contacts/${contactId}/conversations`) }, ChatwootList(ChatwootConversation)))
      .payload;
  }

  async createConversation(input: { inboxId: number; contactId: number }): Promise<ChatwootConversation> {
    return this.http.json(
      { method: 'POST', path: this.accountPath('/conversations'), json: { inbox_id: input.inboxId, contact_id: input.contactId } },
      ChatwootConversation,
    );
  }

  async messages(conversationId: number): Promise<ChatwootMessage[]> {
    return (await this.http.json({ method: 'GET', path: this.accountPath(`/conversations/${conversationId}/messages`) }, ChatwootList(ChatwootMessage)))
      .payload;
  }

  async createMessage(conversationId: number, message: NewMessage): Promise<ChatwootMessage> {
    const path = this.accountPath(`/conversations/${conversationId}/messages`);
    if (message.attachments && message.attachments.length > 0) {
      return this.http.json(
        {
          method: 'POST',
          path,
          form: {
            fields: {
              content: message.content,
              message_type: message.messageType,
              private: message.private === undefined ? undefined : String(message.private),
              source_id: message.sourceId,
            },
            files: message.attachments.map((file) => ({ field: 'attachments[]', file })),
          },
        },
        ChatwootMessage,
      );
    }
    const body = { content: message.content, message_type: message.messageType ?? 'outgoing', private: message.private ?? false, source_id: message.sourceId };
    return this.http.json({ method: 'POST', path, json: body }, ChatwootMessage);
  }
}
