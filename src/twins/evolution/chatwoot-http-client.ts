import { request, type Dispatcher } from 'undici';
import type { Abortable } from './background-work.ts';
import { AxiosError, ApiError, reasonPhrase, sdkErrorMessage } from './chatwoot-errors.ts';
import { encodeMultipart, makeBoundary, sdkFormParts, type FormPart } from './multipart-form.ts';

/** Where and as whom the calls go: the instance's stored Chatwoot config. */
export interface ChatwootTarget {
  /** chatwoot_url exactly as configured; paths are appended without slash normalisation (§3.0). */
  url: string;
  /** Usually a string; a non-string token is not sent by the SDK (it checks isStringWithValue). */
  token: unknown;
  /** account_id exactly as stored (a number from /instance/create stays a number). */
  accountId: unknown;
}

/** Shared by every call of one twin: a timeout-free dispatcher, and the twin's close() reaching each call. */
export interface ChatwootTransport {
  dispatcher: Dispatcher;
  abortable: Abortable;
  random?: () => number;
  /** User-Agent of Evolution's own axios on uploads (UPLOAD_USER_AGENT unless the version's lockfile says otherwise). */
  uploadUserAgent?: string;
}

/** Per-endpoint error texts of the SDK's services (v1.1.16-17): they name the ApiError and appear in its dump. */
const INBOX_ERRORS = { 403: 'Access denied', 404: 'Inbox not found' } as const;
const CONTACT_ERRORS = { 403: 'Access denied', 404: 'Contact not found' } as const;

/** User-Agent of the SDK's bundled axios 0.27.2 ([replayed]). */
export const SDK_USER_AGENT = 'axios/0.27.2';
/**
 * Evolution's own axios (^1.6.5, no lockfile) for the uploads. Only `api_access_token` carries the
 * token there (§3.0 [replayed]); the axios 1.x default headers come along.
 */
export const UPLOAD_USER_AGENT = 'axios/1.6.8';

interface RawResponse {
  status: number;
  statusText: string;
  data: unknown;
}

/** axios' default response handling: JSON when it parses, the raw text otherwise. */
function parseBody(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// eslint-disable-next-line @typescript-eslint/require-await -- async on purpose: undici streams an async iterable (chunked, like the SDK's form-data stream)
async function* chunked(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

async function send(
  transport: ChatwootTransport,
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array | AsyncIterable<Uint8Array> | undefined,
): Promise<RawResponse> {
  return transport.abortable(async (signal) => {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body: body as never,
        dispatcher: transport.dispatcher,
        signal,
      });
    } catch (error) {
      const cause = error as { message?: string; code?: string; name?: string };
      if (cause?.name === 'AbortError') throw error;
      throw new AxiosError(cause?.message ?? String(error), { code: cause?.code, config: { method: method.toLowerCase(), url } });
    }
    const text = await response.body.text();
    return { status: response.statusCode, statusText: reasonPhrase(response.statusCode), data: parseBody(text) };
  });
}

interface SdkOperation {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path template as the SDK declares it, e.g. `/api/v1/accounts/{account_id}/inboxes/`. */
  template: string;
  /** Absent for Evolution's direct `chatwootRequest` calls, whose url is already literal. */
  path?: Record<string, string | number>;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  form?: Record<string, unknown>;
  errors?: Readonly<Record<number, string>>;
}

/**
 * The calls Evolution 1.7 makes through `@figuro/chatwoot-sdk` (axios 0.27.2): headers exactly
 * `Accept: application/json`, `Authorization: Bearer <t>`, `api_access_token: <t>`, the axios
 * User-Agent, JSON bodies with `Content-Type: application/json`, `messages.create` as a chunked
 * multipart body with a lower-case `content-type` (§3.0 [replayed]/[ran]). No retries, no timeouts:
 * non-2xx throws ApiError, a network failure throws AxiosError.
 */
export class ChatwootSdkClient {
  constructor(
    private readonly target: ChatwootTarget,
    private readonly transport: ChatwootTransport,
  ) {}

  private async call(operation: SdkOperation): Promise<unknown> {
    const params = operation.path ?? {};
    const path = operation.template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? encodeURI(String(params[name])) : whole));
    const query = Object.entries(operation.query ?? {}).filter(([, value]) => value !== undefined);
    const queryString = query.length ? `?${query.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`).join('&')}` : '';
    const url = `${this.target.url}${path}${queryString}`;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (typeof this.target.token === 'string' && this.target.token.trim() !== '') {
      headers.Authorization = `Bearer ${this.target.token}`;
      headers.api_access_token = this.target.token;
    }
    let body: string | AsyncIterable<Uint8Array> | undefined;
    if (operation.form !== undefined) {
      const form = encodeMultipart(sdkFormParts(operation.form), makeBoundary(this.transport.random));
      headers['content-type'] = form.contentType;
      body = chunked(form.chunks);
    } else if (operation.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(operation.json);
    }
    headers['User-Agent'] = SDK_USER_AGENT;
    const response = await send(this.transport, operation.method, url, headers, body);
    if (response.status >= 200 && response.status < 300) return response.data;
    throw new ApiError(sdkErrorMessage(response.status, operation.errors), {
      url,
      status: response.status,
      statusText: response.statusText,
      body: response.data,
      request: {
        method: operation.method,
        // The SDK's request options as its service writes them (@figuro/chatwoot-sdk v1.1.16-17), in that order.
        url: operation.template,
        ...(operation.path ? { path: operation.path } : {}),
        ...(operation.query ? { query: operation.query } : {}),
        ...(operation.json !== undefined ? { body: operation.json } : {}),
        ...(operation.form !== undefined ? { formData: operation.form } : {}),
        ...(operation.errors ? { errors: operation.errors } : {}),
      },
    });
  }

  private get account() {
    return { account_id: String(this.target.accountId) };
  }

  /** The account path filled in, for Evolution's direct `chatwootRequest` urls (contacts/filter, contact_merge). */
  private get accountPath() {
    return `/api/v1/accounts/${String(this.target.accountId)}`;
  }

  listInboxes(): Promise<unknown> {
    return this.call({ method: 'GET', template: '/api/v1/accounts/{account_id}/inboxes', path: this.account, errors: INBOX_ERRORS });
  }

  /** The SDK's inboxes.create posts with a trailing slash (§3a step 2). */
  createInbox(data: unknown): Promise<unknown> {
    return this.call({ method: 'POST', template: '/api/v1/accounts/{account_id}/inboxes/', path: this.account, json: data, errors: INBOX_ERRORS });
  }

  /** Sent through the SDK's internal request(), same headers (§3.0 "Contact filter"). */
  filterContacts(body: unknown): Promise<unknown> {
    return this.call({ method: 'POST', template: `${this.accountPath}/contacts/filter`, json: body });
  }

  createContact(data: unknown): Promise<unknown> {
    return this.call({
      method: 'POST',
      template: '/api/v1/accounts/{account_id}/contacts',
      path: this.account,
      json: data,
      errors: { 400: 'Bad Request Error' },
    });
  }

  updateContact(id: string | number, data: unknown): Promise<unknown> {
    return this.call({
      method: 'PUT',
      template: '/api/v1/accounts/{account_id}/contacts/{id}',
      path: { ...this.account, id },
      json: data,
      errors: CONTACT_ERRORS,
    });
  }

  listContactConversations(id: string | number): Promise<unknown> {
    return this.call({
      method: 'GET',
      template: '/api/v1/accounts/{account_id}/contacts/{id}/conversations',
      path: { ...this.account, id },
      errors: CONTACT_ERRORS,
    });
  }

  createConversation(data: unknown): Promise<unknown> {
    return this.call({
      method: 'POST',
      template: '/api/v1/accounts/{account_id}/conversations',
      path: this.account,
      json: data,
      errors: { 403: 'Access denied' },
    });
  }

  /** 1.7.0-1.7.4 only (§3b B3). No query string: `page` is undefined. */
  filterConversations(body: unknown): Promise<unknown> {
    return this.call({
      method: 'POST',
      template: '/api/v1/accounts/{account_id}/conversations/filter',
      path: this.account,
      query: { page: undefined },
      json: body,
      errors: { 400: 'Bad Request Error' },
    });
  }

  toggleConversationStatus(conversationId: string | number, data: unknown): Promise<unknown> {
    return this.call({
      method: 'POST',
      template: '/api/v1/accounts/{account_id}/conversations/{conversation_id}/toggle_status',
      path: { ...this.account, conversation_id: conversationId },
      json: data,
      errors: { 401: 'Unauthorized', 404: 'Conversation not found' },
    });
  }

  createMessage(conversationId: string | number, fields: Record<string, unknown>): Promise<unknown> {
    return this.call({
      method: 'POST',
      template: '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages',
      path: { ...this.account, conversation_id: conversationId },
      form: fields,
      errors: { 403: 'Access denied', 404: 'Conversation not found' },
    });
  }

  deleteMessage(conversationId: string | number, messageId: string | number): Promise<unknown> {
    return this.call({
      method: 'DELETE',
      template: '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages/{message_id}',
      path: { ...this.account, conversation_id: conversationId, message_id: messageId },
      errors: { 401: 'Unauthorized', 404: 'The message or conversation does not exist in the account' },
    });
  }

  /** 1.7.5 merge_brazil_contacts (§5). */
  mergeContacts(baseContactId: string | number, mergeeContactId: string | number): Promise<unknown> {
    return this.call({
      method: 'POST',
      template: `${this.accountPath}/actions/contact_merge`,
      json: { base_contact_id: baseContactId, mergee_contact_id: mergeeContactId },
    });
  }
}

/**
 * Evolution's own axios upload of a file as `attachments[]` (QR image §3b B4, WhatsApp media §3c):
 * only the `api_access_token` header carries the token; a non-2xx throws
 * "Request failed with status code N" like axios 1.x.
 */
export async function uploadMessageWithAttachment(
  target: ChatwootTarget,
  transport: ChatwootTransport,
  conversationId: string | number,
  parts: FormPart[],
): Promise<unknown> {
  const url = `${target.url}/api/v1/accounts/${String(target.accountId)}/conversations/${conversationId}/messages`;
  const form = encodeMultipart(parts, makeBoundary(transport.random));
  const headers: Record<string, string> = {
    Accept: 'application/json, text/plain, */*',
    'content-type': form.contentType,
    api_access_token: String(target.token),
    'User-Agent': transport.uploadUserAgent ?? UPLOAD_USER_AGENT,
    'Accept-Encoding': 'gzip, compress, deflate, br',
  };
  const response = await send(transport, 'POST', url, headers, Buffer.concat(form.chunks));
  if (response.status >= 200 && response.status < 300) return response.data;
  throw new AxiosError(`Request failed with status code ${response.status}`, {
    code: response.status >= 500 ? 'ERR_BAD_RESPONSE' : 'ERR_BAD_REQUEST',
    config: { method: 'post', url },
    response,
  });
}
