import type { DriftAspect } from '../model/drift-report.ts';

/** What the probes created on one side, under labels that are the same on both (ids differ from server to server). */
export interface DriftFixture {
  accountId: number;
  inboxId: number;
  /** The inbox's webhook_url: the drift receiver, one path per side. */
  webhookUrl: string;
  contacts: Map<string, number>;
  conversations: Map<string, number>;
}

export interface ProbeRequest {
  method: 'GET' | 'POST';
  /** Path under the Chatwoot base URL. */
  path: string;
  json?: unknown;
}

interface ProbeBase {
  id: string;
  title: string;
  /** Why a verdict reads this answer; or what it tells when it does not. */
  why: string;
  verdictRelevant: boolean;
  /** Body paths (prefixes) the harness or Evolution reads: a shape difference there touches a verdict, elsewhere it is listed only. */
  relies: readonly string[];
  compare: readonly DriftAspect[];
  /** `text`: these body paths' values are compared (for `rest`, the whole body is compared when either side is not 2xx). */
  values?: readonly string[];
}

/** A request the harness (or Evolution, fixtures/call-sequences/) sends, and what of its answer is compared. */
export interface RestProbe extends ProbeBase {
  kind: 'rest';
  /** Shown in the report, with the fixture's ids as `{account}`, `{inbox}`…. */
  shows: string;
  request(fixture: DriftFixture): ProbeRequest;
  /** `order`: where the ids are in the body, and which fixture labels name them. */
  order?: { of: 'contacts' | 'conversations'; ids(json: unknown): unknown[] };
  /** `text` on a 2xx answer too (a fixed body such as `GET /health`'s). */
  exactBody?: boolean;
  /** Remembers what the answer created, for the probes after it. */
  keep?(json: unknown, fixture: DriftFixture): void;
}

/** The webhook an API inbox delivers for the message the `rest` probes created (chatwoot-3.10-4.x.md §4). */
export interface WebhookProbe extends ProbeBase {
  kind: 'webhook';
  shows: string;
  event: string;
  /** Header names whose presence is compared. */
  headers: readonly string[];
}

export type DriftProbe = RestProbe | WebhookProbe;

const account = (f: DriftFixture) => `/api/v1/accounts/${f.accountId}`;
const label = (map: Map<string, number>, name: string): number => {
  const id = map.get(name);
  if (id === undefined) throw new Error(`drift fixture: no ${name} yet (a probe before it failed)`);
  return id;
};
const field = (json: unknown, ...path: string[]): unknown => path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], json);
const payloadIds = (json: unknown): unknown[] => {
  const payload = field(json, 'payload');
  return Array.isArray(payload) ? payload.map((row) => field(row, 'id')) : [];
};
const condition = (key: string, value: string, queryOperator: string | null) => ({
  attribute_key: key,
  filter_operator: 'equal_to',
  values: [value],
  query_operator: queryOperator,
});

export const BOT_PHONE = '+123456';
const CUSTOMER_PHONE = '+5511987650001';
/** A `\` before a newline and trailing newlines: what the 4.13.0 normalizer changes in webhook `content` (§4.1). */
export const PROBE_MESSAGE = 'evochat drift \\\nline two\n\n';

const createConversation = (name: string, contact: string): RestProbe => ({
  kind: 'rest',
  id: `conversation-create-${name}`,
  title: `create conversation ${name}`,
  shows: 'POST /api/v1/accounts/{account}/conversations',
  why: 'Evolution opens a conversation per chat; the id is what every later call addresses',
  verdictRelevant: true,
  relies: ['id', 'inbox_id', 'status'],
  compare: name === 'a' ? ['status', 'shape'] : ['status'],
  request: (f) => ({
    method: 'POST',
    path: `${account(f)}/conversations`,
    json: { contact_id: String(label(f.contacts, contact)), inbox_id: String(f.inboxId) },
  }),
  keep: (json, f) => {
    if (typeof field(json, 'id') === 'number') f.conversations.set(name, field(json, 'id') as number);
  },
});

/**
 * The contract probes, in the order they run (later ones use what earlier ones created). Chosen from the requests the
 * twin's own contract tests send (src/twins/chatwoot/*.test.ts) and the Evolution call sequences, where the profiles
 * differ (model/chatwoot-profiles.ts): those decide verdicts.
 */
export const DRIFT_PROBES: readonly DriftProbe[] = [
  {
    kind: 'rest',
    id: 'api-info',
    title: 'GET /api',
    shows: 'GET /api',
    why: 'the version the profile is chosen by; informational otherwise (data_services may say failing on 4.3+, §M 3)',
    verdictRelevant: false,
    relies: ['version'],
    compare: ['status', 'shape'],
    request: () => ({ method: 'GET', path: '/api' }),
  },
  {
    kind: 'rest',
    id: 'health',
    title: 'GET /health',
    shows: 'GET /health',
    why: 'liveness from 4.11.0 (PR #13386): what a readiness wait may use; no verdict reads it',
    verdictRelevant: false,
    relies: [],
    compare: ['status', 'text'],
    exactBody: true,
    request: () => ({ method: 'GET', path: '/health' }),
  },
  {
    kind: 'rest',
    id: 'inbox-create',
    title: 'create an API inbox with webhook_url',
    shows: 'POST /api/v1/accounts/{account}/inboxes/',
    why: "Evolution's first call: the inbox whose webhook_url is Evolution's /chatwoot/webhook/<instance>",
    verdictRelevant: true,
    relies: ['id', 'name', 'channel_type'],
    compare: ['status', 'shape'],
    request: (f) => ({
      method: 'POST',
      path: `${account(f)}/inboxes/`,
      json: { name: 'evochat drift', channel: { type: 'api', webhook_url: f.webhookUrl } },
    }),
    keep: (json, f) => {
      if (typeof field(json, 'id') === 'number') f.inboxId = field(json, 'id') as number;
    },
  },
  {
    kind: 'rest',
    id: 'contact-create',
    title: 'create the bot contact',
    shows: 'POST /api/v1/accounts/{account}/contacts',
    why: "Evolution's bot contact (+123456): its id and contact_inbox are what the bot lookups use",
    verdictRelevant: true,
    relies: ['payload.contact.id', 'payload.contact.phone_number', 'payload.contact_inbox'],
    compare: ['status', 'shape'],
    request: (f) => ({ method: 'POST', path: `${account(f)}/contacts`, json: { inbox_id: f.inboxId, name: 'EvolutionAPI', phone_number: BOT_PHONE } }),
    keep: (json, f) => {
      const id = field(json, 'payload', 'contact', 'id');
      if (typeof id === 'number') f.contacts.set('bot', id);
    },
  },
  {
    kind: 'rest',
    id: 'contact-create-customer',
    title: 'create a customer contact',
    shows: 'POST /api/v1/accounts/{account}/contacts',
    why: 'the chat partner every scenario talks to',
    verdictRelevant: true,
    relies: [],
    compare: ['status'],
    request: (f) => ({
      method: 'POST',
      path: `${account(f)}/contacts`,
      json: { inbox_id: f.inboxId, name: 'Drift Customer', phone_number: CUSTOMER_PHONE },
    }),
    keep: (json, f) => {
      const id = field(json, 'payload', 'contact', 'id');
      if (typeof id === 'number') f.contacts.set('customer', id);
    },
  },
  createConversation('a', 'customer'),
  createConversation('b', 'customer'),
  createConversation('bot', 'bot'),
  {
    kind: 'rest',
    id: 'message-create',
    title: 'an outgoing message in conversation a',
    shows: 'POST /api/v1/accounts/{account}/conversations/{a}/messages',
    why: 'what Evolution posts for every WhatsApp message; it also makes conversation a the most recently active',
    verdictRelevant: true,
    relies: ['id', 'content', 'message_type', 'conversation_id'],
    compare: ['status', 'shape', 'text'],
    // REST answers keep the raw stored content on every version (§4.1).
    values: ['content', 'message_type'],
    request: (f) => ({
      method: 'POST',
      path: `${account(f)}/conversations/${label(f.conversations, 'a')}/messages`,
      json: { content: PROBE_MESSAGE, message_type: 'outgoing' },
    }),
  },
  {
    kind: 'webhook',
    id: 'webhook-message-created',
    title: 'the message_created webhook of that message',
    shows: 'POST <inbox webhook_url> (message_created)',
    why: "Evolution's receiveWebhook reads these fields to send an agent's reply to WhatsApp (chatwoot-3.7-3.9.md §5)",
    verdictRelevant: true,
    event: 'message_created',
    relies: [
      'event',
      'private',
      'message_type',
      'content',
      'id',
      'content_attributes',
      'inbox.id',
      'inbox.name',
      'conversation.id',
      'conversation.meta.sender.phone_number',
      'conversation.meta.sender.identifier',
      'conversation.contact_inbox.source_id',
      'conversation.messages[].source_id',
      'sender.name',
    ],
    compare: ['delivery', 'headers', 'shape', 'text'],
    values: ['event', 'message_type', 'content'],
    headers: ['content-type', 'x-chatwoot-delivery', 'x-chatwoot-timestamp', 'x-chatwoot-signature'],
  },
  {
    kind: 'rest',
    id: 'contacts-filter-phone',
    title: 'contacts/filter by phone_number',
    shows: 'POST /api/v1/accounts/{account}/contacts/filter',
    why: "Evolution 1.7.5+/2.x find a chat's contact this way (fixtures/call-sequences)",
    verdictRelevant: true,
    relies: ['payload[].id', 'payload[].phone_number', 'meta.count'],
    compare: ['status', 'shape', 'text', 'order'],
    order: { of: 'contacts', ids: payloadIds },
    request: (f) => ({ method: 'POST', path: `${account(f)}/contacts/filter`, json: { payload: [condition('phone_number', BOT_PHONE, null)] } }),
  },
  {
    kind: 'rest',
    id: 'conversations-filter-contact-id',
    title: "conversations/filter with contact_id (Evolution 1.7.4's bot lookup)",
    shows: 'POST /api/v1/accounts/{account}/conversations/filter',
    why: 'accepted on 3.7.0 and 4.14.2+, 422 on 3.8.0–4.14.1 (chatwoot-3.10-4.x.md §1.2): 1.7.4 breaks or works on it',
    verdictRelevant: true,
    relies: ['payload[].id', 'meta'],
    compare: ['status', 'text', 'order'],
    order: { of: 'conversations', ids: (json) => payloadIds(field(json, 'data') ?? json) },
    request: (f) => ({
      method: 'POST',
      path: `${account(f)}/conversations/filter`,
      json: {
        payload: [
          condition('inbox_id', String(f.inboxId), 'AND'),
          condition('contact_id', String(label(f.contacts, 'bot')), 'AND'),
          condition('status', 'open', null),
        ],
      },
    }),
  },
  {
    kind: 'rest',
    id: 'conversations-filter-inbox-id',
    title: 'conversations/filter with inbox_id and status',
    shows: 'POST /api/v1/accounts/{account}/conversations/filter',
    why: 'the contact_id-free lookup: every version accepts it; its order is what "the first open conversation" picks',
    verdictRelevant: true,
    relies: ['payload[].id', 'meta'],
    compare: ['status', 'text', 'order'],
    order: { of: 'conversations', ids: (json) => payloadIds(field(json, 'data') ?? json) },
    request: (f) => ({
      method: 'POST',
      path: `${account(f)}/conversations/filter`,
      json: { payload: [condition('inbox_id', String(f.inboxId), 'AND'), condition('status', 'open', null)] },
    }),
  },
  {
    kind: 'rest',
    id: 'filter-query-operator',
    title: 'conversations/filter with a bad query_operator',
    shows: 'POST /api/v1/accounts/{account}/conversations/filter',
    why: 'checked from 3.16.0 (PR #10595), English only there, translated from 4.0.0: the 422 text the diagnoses match',
    verdictRelevant: true,
    relies: [],
    compare: ['status', 'text'],
    request: (f) => ({
      method: 'POST',
      path: `${account(f)}/conversations/filter`,
      json: { payload: [condition('status', 'open', 'XOR'), condition('inbox_id', String(f.inboxId), null)] },
    }),
  },
  {
    kind: 'rest',
    id: 'contacts-search',
    title: 'contacts/search meta',
    shows: 'GET /api/v1/accounts/{account}/contacts/search?q=drift',
    why: 'meta.count is the total until 4.10, the page size plus has_more from 4.11.0 (PR #13376)',
    verdictRelevant: true,
    relies: ['payload[].id', 'meta'],
    compare: ['status', 'shape', 'order'],
    order: { of: 'contacts', ids: payloadIds },
    request: (f) => ({ method: 'GET', path: `${account(f)}/contacts/search?q=drift` }),
  },
  {
    kind: 'rest',
    id: 'contact-conversations-order',
    title: "a contact's conversations, in order",
    shows: 'GET /api/v1/accounts/{account}/contacts/{customer}/conversations',
    why: 'id desc until 4.0.1, last_activity_at desc from 4.0.2 (PR #10825): Evolution 2.x takes the first open one',
    verdictRelevant: true,
    relies: ['payload[].id', 'payload[].status', 'payload[].inbox_id'],
    compare: ['status', 'order'],
    order: { of: 'conversations', ids: payloadIds },
    request: (f) => ({ method: 'GET', path: `${account(f)}/contacts/${label(f.contacts, 'customer')}/conversations` }),
  },
];
