import { BOT_CONTACT_PHONE } from '../model/bot-contact.ts';
import type { SuiteCatalog, SuiteInfo } from '../model/suite-catalog-types.ts';

const scenarios = (suite: string, list: readonly (readonly [string, string])[]) => list.map(([id, title]) => ({ id: `${suite}/${id}`, title }));

/**
 * Every suite and scenario the harness knows (SCENARIOS.md). Ids are stable: matrix.json, diagnosis
 * rules and reports refer to them. Each suite is one file, `suites/<id>.suite.ts`, that defines exactly these scenarios.
 */
export const SUITE_CATALOG: SuiteCatalog = [
  {
    id: 'auth',
    title: 'Authentication on both APIs',
    file: 'suites/auth.suite.ts',
    kind: 'compatibility',
    seedSymptom: '401 "Você precisa entrar ou se cadastrar antes de continuar" (You need to sign in or sign up before continuing)',
    requires: [],
    scenarios: scenarios('auth', [
      ['chatwoot-token-accepted', 'A user access token in api_access_token reaches the account API'],
      ['chatwoot-header-dropped', 'Without api_access_token (what a proxy dropping underscore headers causes): devise 401 in the DEFAULT_LOCALE language'],
      ['chatwoot-wrong-token', 'An unknown token: 401 "Invalid Access Token"'],
      ['chatwoot-wrong-account', "Another account's id: 401 not authorized; a nonexistent account: 404"],
      ['evolution-apikey-guard', 'Evolution apikey guard: missing global key 403, wrong key 401, unknown instance 404 before auth'],
    ]),
  },
  {
    id: 'filter-contract',
    title: 'The filter requests Evolution sends, against this Chatwoot',
    file: 'suites/filter-contract.suite.ts',
    kind: 'compatibility',
    seedSymptom: '422 "Chave de atributo inválido - [contact_id]" (Invalid attribute key) when filtering conversations',
    requires: [],
    scenarios: scenarios('filter-contract', [
      ['contact-lookup', 'The contacts/filter request this Evolution version sends is accepted'],
      ['bot-conversation-lookup', 'The request this Evolution version uses to find the bot conversation answers 200 with it (en account)'],
      ['bot-conversation-lookup-pt-br', 'The same lookup on a pt_BR account (a break shows the Portuguese 422 the troubleshooting guide quotes)'],
    ]),
  },
  {
    id: 'instance-bootstrap',
    title: 'Creating an Evolution instance with Chatwoot enabled',
    file: 'suites/instance-bootstrap.suite.ts',
    kind: 'compatibility',
    seedSymptom: 'Inbox created, but no response to init and no QR code',
    requires: ['writes'],
    scenarios: scenarios('instance-bootstrap', [
      ['create-returns-201', '/instance/create with chatwoot_* fields answers 201'],
      ['inbox-created', 'An API inbox named after the instance, webhook_url = SERVER_URL + /chatwoot/webhook/<instance>'],
      ['bot-contact-and-conversation', `The bot contact +${BOT_CONTACT_PHONE} and a conversation with it in the inbox`],
      ['init-message', 'The `init` message in the bot conversation'],
    ]),
  },
  {
    id: 'bot-command',
    title: 'Bot command round trip (no WhatsApp needed)',
    file: 'suites/bot-command.suite.ts',
    kind: 'compatibility',
    seedSymptom: 'No QR code and no bot response (the contact_id break, reproduced without WhatsApp)',
    requires: ['writes'],
    scenarios: scenarios('bot-command', [
      ['status-round-trip', 'An agent sends `status` in the bot conversation; the bot answers with the instance status'],
      ['webhook-signature', "From Chatwoot 4.13.0: the webhook Evolution receives carries X-Chatwoot-Signature, which verifies with the inbox's secret"],
    ]),
  },
  {
    id: 'qr-delivery',
    title: 'QR code delivery to Chatwoot',
    file: 'suites/qr-delivery.suite.ts',
    kind: 'compatibility',
    seedSymptom: 'The QR code image never reaches Chatwoot',
    requires: ['writes', 'whatsappPeer'],
    scenarios: scenarios('qr-delivery', [
      ['qr-image-posted', 'After `init`, the QR image and the QR text appear in the bot conversation'],
      ['connected-message', 'After a scan, "Connection successfully established" appears'],
    ]),
  },
  {
    id: 'inbound-sync',
    title: 'Inbound WhatsApp messages reach Chatwoot',
    file: 'suites/inbound-sync.suite.ts',
    kind: 'compatibility',
    seedSymptom: 'Message sync (the guide\'s "full function" check)',
    requires: ['writes', 'whatsappPeer'],
    scenarios: scenarios('inbound-sync', [
      ['text-message', 'An inbound text appears as an incoming message with source_id WAID:…'],
      ['media-message', 'An inbound image appears with an attachment whose data_url answers'],
    ]),
  },
  {
    id: 'agent-reply',
    title: 'Agent replies reach WhatsApp',
    file: 'suites/agent-reply.suite.ts',
    kind: 'compatibility',
    seedSymptom: 'Full function: replies from Chatwoot reach WhatsApp',
    requires: ['writes', 'whatsappPeer'],
    scenarios: scenarios('agent-reply', [['text-reaches-whatsapp', "An agent's outgoing message reaches WhatsApp and is not marked failed"]]),
  },
  {
    id: 'attachment-storage',
    title: "Attachments in Chatwoot's storage",
    file: 'suites/attachment-storage.suite.ts',
    kind: 'compatibility',
    seedSymptom: 'Slow or broken images with S3 storage',
    requires: ['writes'],
    scenarios: scenarios('attachment-storage', [
      ['object-in-bucket', 'The uploaded attachment is stored (minio: the object is in the bucket; local: the file is served)'],
      ['data-url-from-host', 'data_url answers 302 to the stored object and the same bytes, fetched from the host'],
      ['data-url-from-evolution', 'The same, fetched from where Evolution stands'],
    ]),
  },
  {
    id: 'config-faults',
    title: 'Configuration faults (injected on purpose)',
    file: 'suites/config-faults.suite.ts',
    kind: 'fault',
    seedSymptom: 'Wrong webhook URL (extra slash); SERVER_URL unreachable / mixed networks; S3 latency; private webhook targets (4.14+)',
    requires: ['writes'],
    scenarios: scenarios('config-faults', [
      ['webhook-double-slash', "SERVER_URL ending in '/': Chatwoot posts to //chatwoot/webhook/…, Evolution answers 404, the message is marked failed"],
      ['server-url-unreachable', 'SERVER_URL Chatwoot cannot connect to: the message is marked failed "Failed to open TCP connection"'],
      [
        'private-webhook-target',
        "Chatwoot ≥ 4.14.0 without SAFE_FETCH_ALLOW_PRIVATE_NETWORK (4.14.0: always): Evolution's private address is refused, the message is marked failed",
      ],
      ['slow-storage', "Storage latency above Chatwoot's 5 s webhook timeout: the agent's attachment reply is marked failed"],
    ]),
  },
  {
    id: 'evolution-faults',
    title: 'Evolution 2.x configuration faults (injected on purpose; 2.x cells only)',
    file: 'suites/evolution-faults.suite.ts',
    kind: 'fault',
    seedSymptom: 'CHATWOOT_ENABLED forgotten; 1.7 instructions on 2.x; Redis/database not reachable; S3 latency; media missing in Chatwoot',
    requires: ['writes'],
    scenarios: scenarios('evolution-faults', [
      ['chatwoot-enabled-unset', 'CHATWOOT_ENABLED left at the image default: create 400 ["Chatwoot is not enabled"], webhook 400 ["Chatwoot is disabled"]'],
      ['snake-case-body', 'A 1.7-style snake_case create body on 2.x: 201, but an instance without Chatwoot'],
      ['redis-default-without-redis', 'CACHE_REDIS_ENABLED at the image default with no Redis: 201, then no Chatwoot call at all (a hang)'],
      ['database-unreachable', 'No reachable database at start: "Migration failed", Evolution does not start'],
      ['baked-import-uri-media', "The image's baked CHATWOOT_IMPORT_DATABASE_CONNECTION_URI: inbound media reaches Chatwoot (2.1.2 drops it)"],
      ['slow-media-store', "Storage latency on Evolution's own S3 media store: inbound media still reaches Chatwoot at once"],
    ]),
  },
];

export function suiteInfo(id: string): SuiteInfo | undefined {
  return SUITE_CATALOG.find((suite) => suite.id === id);
}
