import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseMultipart, type ParsedPart } from '../multipart-form.ts';

/**
 * A tiny Chatwoot-shaped responder on a real socket that records every request byte for byte:
 * the test double the call-sequence fixtures are checked against. It keeps just enough state
 * (inboxes, contacts, conversations, messages) for Evolution's flows to run through, with
 * deterministic ids. `filterStyle` picks how `conversations/filter` answers: '3.7' filters
 * (contact_id accepted), '3.8' answers the 422 of chatwoot-3.7-3.9.md §1.3.
 */
export interface RecordedCall {
  method: string;
  path: string;
  /** Raw query string without '?', '' when none. */
  query: string;
  /** Header name/value pairs exactly as received (name casing kept). */
  rawHeaders: Array<[string, string]>;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
  json: unknown;
  parts: ParsedPart[] | undefined;
  status: number;
}

export interface RecordingChatwootOptions {
  filterStyle: '3.7' | '3.8';
  accountId?: number;
  /** Forced answers, checked before the normal routing: first match wins. */
  overrides?: Array<{ method: string; path: RegExp; status: number; body: unknown }>;
  /** Requests whose path matches are recorded at once but answered only after release(). */
  hold?: RegExp;
  /** Static files served on GET (e.g. an attachment's data_url), with optional redirects. */
  files?: Record<string, { status: 200; contentType: string; body: Buffer } | { status: 302; location: string }>;
}

export interface RecordingChatwoot {
  url: string;
  calls(): RecordedCall[];
  clear(): void;
  /** Answers the held requests and stops holding. */
  release(): void;
  /** Conversations of the fake store (display ids), for assertions. */
  state(): FakeState;
  close(): Promise<void>;
}

/** The request body fields this fake reads, as loosely typed as Evolution sends them (ids as strings or numbers). */
interface RequestFields {
  name?: unknown;
  channel?: { webhook_url?: string };
  payload?: unknown;
  phone_number?: string | null;
  identifier?: string | null;
  inbox_id?: unknown;
  contact_id?: unknown;
  status?: string;
}

interface FakeContact {
  id: number;
  name: string;
  phone_number: string | null;
  identifier: string | null;
  thumbnail: string;
}
interface FakeConversation {
  id: number;
  inbox_id: number;
  contact_id: number;
  status: string;
}
interface FakeMessage {
  id: number;
  conversation_id: number;
  content: string | null;
  message_type: number;
  private: boolean;
  source_id: string | null;
  attachments: Array<{ filename: string | undefined; contentType: string | undefined; size: number }>;
}
export interface FakeState {
  inboxes: Array<{ id: number; name: string; webhook_url: string }>;
  contacts: FakeContact[];
  conversations: FakeConversation[];
  messages: FakeMessage[];
}

export const INVALID_CONTACT_ID_BODY = {
  error:
    'Invalid attribute key - [contact_id]. The key should be one of [status,assignee_id,inbox_id,team_id,priority,display_id,campaign_id,labels,browser_language,conversation_language,country_code,referer,created_at,last_activity_at,mail_subject] or a custom attribute defined in the account.',
};

const MESSAGE_TYPES: Record<string, number> = { incoming: 0, outgoing: 1, activity: 2, template: 3 };

export async function startRecordingChatwoot(options: RecordingChatwootOptions): Promise<RecordingChatwoot> {
  const accountId = options.accountId ?? 1;
  let calls: RecordedCall[] = [];
  const state: FakeState = { inboxes: [], contacts: [], conversations: [], messages: [] };
  const next = { inbox: 7, contact: 11, conversation: 1, message: 101 };

  const conversationView = (conversation: FakeConversation) => {
    const contact = state.contacts.find((c) => c.id === conversation.contact_id);
    return { ...conversation, meta: { sender: contact ?? null } };
  };

  const route = (method: string, path: string, json: unknown, parts: ParsedPart[] | undefined): { status: number; body: unknown } => {
    for (const override of options.overrides ?? []) {
      if (override.method === method && override.path.test(path)) return { status: override.status, body: override.body };
    }
    const base = `/api/v1/accounts/${accountId}`;
    if (!path.startsWith(base)) return { status: 404, body: { error: 'Resource could not be found' } };
    const rest = path.slice(base.length).replace(/\/$/, '');
    const body = (json ?? {}) as RequestFields;
    let match: RegExpExecArray | null;

    if (method === 'GET' && rest === '/inboxes') return { status: 200, body: { payload: state.inboxes } };
    if (method === 'POST' && rest === '/inboxes') {
      const inbox = { id: next.inbox++, name: String(body.name), webhook_url: String(body.channel?.webhook_url ?? '') };
      state.inboxes.push(inbox);
      return { status: 200, body: inbox };
    }
    if (method === 'POST' && rest === '/contacts/filter') {
      const conditions = (body.payload ?? []) as Array<{ attribute_key: string; values: string[] }>;
      const found = state.contacts.filter((contact) =>
        conditions.some((condition) => {
          const value = condition.values[0] ?? '';
          if (condition.attribute_key === 'phone_number') return contact.phone_number === `+${value}`;
          if (condition.attribute_key === 'identifier') return contact.identifier === value.toLowerCase();
          return false;
        }),
      );
      return { status: 200, body: { meta: { count: found.length, current_page: 1 }, payload: found } };
    }
    if (method === 'POST' && rest === '/contacts') {
      const contact: FakeContact = {
        id: next.contact++,
        name: String(body.name),
        phone_number: body.phone_number ?? null,
        identifier: body.identifier ?? null,
        thumbnail: '',
      };
      state.contacts.push(contact);
      return { status: 200, body: { payload: { contact: { ...contact, contact_inboxes: [] }, contact_inbox: { source_id: 'x' } } } };
    }
    if ((match = /^\/contacts\/(\d+)$/.exec(rest)) && method === 'PUT') {
      const contact = state.contacts.find((c) => c.id === Number(match![1]));
      if (!contact) return { status: 404, body: { error: 'Resource could not be found' } };
      if (typeof body.name === 'string') contact.name = body.name;
      return { status: 200, body: { payload: contact } };
    }
    if ((match = /^\/contacts\/(\d+)\/conversations$/.exec(rest)) && method === 'GET') {
      const list = state.conversations.filter((c) => c.contact_id === Number(match![1])).sort((a, b) => b.id - a.id);
      return { status: 200, body: { payload: list.map(conversationView) } };
    }
    if (method === 'POST' && rest === '/conversations') {
      const conversation: FakeConversation = {
        id: next.conversation++,
        inbox_id: Number(body.inbox_id),
        contact_id: Number(body.contact_id),
        status: typeof body.status === 'string' ? body.status : 'open',
      };
      state.conversations.push(conversation);
      return { status: 200, body: conversationView(conversation) };
    }
    if (method === 'POST' && rest === '/conversations/filter') {
      if (options.filterStyle === '3.8') return { status: 422, body: INVALID_CONTACT_ID_BODY };
      const conditions = (body.payload ?? []) as Array<{ attribute_key: string; values: string[] }>;
      const found = state.conversations.filter((conversation) =>
        conditions.every((condition) => {
          const value = condition.values[0];
          if (condition.attribute_key === 'inbox_id') return String(conversation.inbox_id) === value;
          if (condition.attribute_key === 'contact_id') return String(conversation.contact_id) === value;
          if (condition.attribute_key === 'status') return conversation.status === value;
          return true;
        }),
      );
      return { status: 200, body: { meta: { mine_count: 0, unassigned_count: found.length, all_count: found.length }, payload: found.map(conversationView) } };
    }
    if ((match = /^\/conversations\/(\d+)\/toggle_status$/.exec(rest)) && method === 'POST') {
      const conversation = state.conversations.find((c) => c.id === Number(match![1]));
      if (!conversation) return { status: 404, body: { error: 'Resource could not be found' } };
      conversation.status = String(body.status ?? 'open');
      return {
        status: 200,
        body: { meta: {}, payload: { success: true, conversation_id: conversation.id, current_status: conversation.status, snoozed_until: null } },
      };
    }
    if ((match = /^\/conversations\/(\d+)\/messages$/.exec(rest)) && method === 'POST') {
      const conversation = state.conversations.find((c) => c.id === Number(match![1]));
      if (!conversation) return { status: 404, body: { error: 'Resource could not be found' } };
      const field = (name: string) => parts?.find((part) => part.name === name && part.filename === undefined)?.data.toString('utf8');
      const message: FakeMessage = {
        id: next.message++,
        conversation_id: conversation.id,
        content: field('content') ?? null,
        message_type: MESSAGE_TYPES[field('message_type') ?? 'outgoing'] ?? 1,
        private: field('private') === 'true',
        source_id: field('source_id') ?? null,
        attachments: (parts ?? [])
          .filter((part) => part.filename !== undefined)
          .map((part) => ({ filename: part.filename, contentType: part.contentType, size: part.data.length })),
      };
      state.messages.push(message);
      return { status: 200, body: message };
    }
    return { status: 404, body: { error: 'Resource could not be found' } };
  };

  let holding = options.hold;
  const held: Array<() => void> = [];

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const file = request.method === 'GET' ? options.files?.[request.url ?? ''] : undefined;
    if (file) {
      request.resume();
      if (file.status === 302) response.writeHead(302, { location: file.location }).end();
      else response.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.body.length) }).end(file.body);
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const [path = '', query = ''] = (request.url ?? '').split(/\?(.*)/s);
      const rawHeaders: Array<[string, string]> = [];
      for (let i = 0; i < request.rawHeaders.length; i += 2) rawHeaders.push([request.rawHeaders[i]!, request.rawHeaders[i + 1]!]);
      const headers: Record<string, string> = {};
      for (const [name, value] of rawHeaders) headers[name.toLowerCase()] = value;
      const type = headers['content-type'] ?? '';
      let json: unknown;
      let parts: ParsedPart[] | undefined;
      if (type.startsWith('application/json') && body.length > 0) json = JSON.parse(body.toString('utf8'));
      if (type.startsWith('multipart/form-data')) parts = parseMultipart(body, type);
      const method = request.method ?? 'GET';
      const record: RecordedCall = { method, path, query, rawHeaders, headers, body, json, parts, status: 0 };
      calls.push(record);
      const answerNow = () => {
        const answer = route(method, path, json, parts);
        record.status = answer.status;
        response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(answer.body));
      };
      if (holding && holding.test(path)) held.push(answerNow);
      else answerNow();
    });
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => [...calls],
    clear: () => {
      calls = [];
    },
    release: () => {
      holding = undefined;
      for (const answer of held.splice(0)) answer();
    },
    state: () => state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
