import type { DiagnosisRule } from './diagnosis-rule.ts';

const CONTACT_ID_422 = 'Invalid attribute key - \\[contact_id\\]|Chave de atributo inválido - \\[contact_id\\]';
const DEVISE_401 = 'You need to sign in or sign up before continuing|Você precisa entrar ou se cadastrar antes de continuar';

/**
 * The known root causes. Order matters only to break ties between equally specific matches.
 * Bodies and log lines: chatwoot-3.7-3.9.md §1.3, §2.3, §4; evolution-api-1.7.md §2.2, §3.0, §3f.
 */
export const DIAGNOSIS_RULES: readonly DiagnosisRule[] = [
  {
    id: 'chatwoot-rejects-contact-id',
    short: 'contact_id',
    summary: 'Chatwoot ≥ 3.8 rejects the contact_id conversation filter (PR #8239); Evolution ≤ 1.7.4 sends it to find the bot conversation',
    remedy: 'Upgrade Evolution to 1.7.5 (PR #582) or stay on Chatwoot 3.7.0',
    references: ['chatwoot#8239', 'chatwoot commit f78f278e', 'evolution#582', 'evolution#605', 'evolution#604', 'evolution#563'],
    seedClaim: 'evolution-1.7.5-did-not-fully-fix',
    match: [
      { exchanges: [{ method: 'POST', path: '/conversations/filter/?$', status: 422, responseBody: CONTACT_ID_422 }] },
      { message: `conversations/filter.*(${CONTACT_ID_422})` },
    ],
  },
  {
    id: 'chatwoot-accepts-contact-id-again',
    explains: 'unexpected-pass',
    summary:
      'Chatwoot 4.14.2+ accepts contact_id in the conversation filter again (PR #14629): Evolution 1.7.4’s bot-conversation lookup works, the break holds only for Chatwoot 3.8.0–4.14.1',
    remedy: 'Expect the contact_id break only for Chatwoot 3.8.0 through 4.14.1 in the matrix file (or move Evolution to 1.7.5, which never sends it)',
    references: ['chatwoot#14629', 'chatwoot commit e919a2ce', 'chatwoot#8239', 'chatwoot#12670'],
    seedClaim: 'chatwoot-3.8-rejects-contact-id',
    match: [{ exchanges: [{ method: 'POST', path: '/conversations/filter/?$', status: 200, requestBody: '"attribute_key":\\s*"contact_id"' }] }],
  },
  {
    id: 'chatwoot-refuses-private-webhook-target',
    short: 'webhooks to private addresses refused',
    summary:
      'Chatwoot ≥ 4.14.0 refuses webhooks to private addresses (SafeFetch, PR #14155): Evolution’s address is private, so the message is marked failed "has no public ip addresses" and nothing reaches Evolution',
    remedy:
      'On 4.14.1 or later set SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true in Chatwoot’s environment (4.14.0 has no switch: move to 4.14.1+ or stay on 4.13.x), or give Evolution a public webhook target (SERVER_URL)',
    references: ['chatwoot#14155', 'chatwoot#14548', 'chatwoot#14489', 'chatwoot#14494', 'coolify#10426'],
    match: [
      { message: "Hostname '[^']*' has no public ip addresses" },
      { logs: [{ service: 'chatwoot', line: "Invalid webhook URL .*Hostname '[^']*' has no public ip addresses" }] },
    ],
  },
  {
    id: 'chatwoot-needs-pgvector',
    summary:
      'Chatwoot ≥ 4.0.0 needs Postgres with the pgvector extension: its migrations stop at "Failed to enable \'vector\' extension" on a plain Postgres (postgres:12 in the 3.x compose file)',
    remedy:
      'Run Chatwoot 4.x on pgvector/pgvector:pg16 (what its compose file uses from 4.0.0), or install pgvector into your Postgres, then run db:chatwoot_prepare again',
    references: ['chatwoot#10665', 'chatwoot commit d0707433'],
    match: [
      { logs: [{ service: 'chatwoot', line: "Failed to enable 'vector' extension" }] },
      {
        logs: [{ service: 'chatwoot', line: 'extension "vector" (is not available|does not exist)|could not open extension control file .*vector\\.control' }],
      },
      { message: 'Failed to enable \'vector\' extension|extension "vector" is not available' },
    ],
  },
  {
    id: 'identifier-contains-rejected',
    summary: 'Chatwoot ≥ 3.8 rejects `identifier contains` in the contact filter; Evolution 1.7.0–1.7.2 sends it',
    remedy: 'Upgrade Evolution to 1.7.3 or later (1.7.5 also fixes the contact_id filter)',
    references: ['chatwoot#8239', 'evolution#547', 'evolution commit 9c9a542b'],
    match: [
      {
        exchanges: [
          {
            method: 'POST',
            path: '/contacts/filter/?$',
            status: 422,
            responseBody: 'Invalid operator\\. The allowed operators for identifier are|Operador inválido\\. Os operadores permitidos para identifier',
          },
        ],
      },
    ],
  },
  {
    id: 'evolution-logged-chatwoot-error',
    short: 'a Chatwoot 422 in Evolution’s log',
    summary: 'Evolution logged a 422 from Chatwoot in ChatwootService: the bot message was not posted and is not retried',
    remedy:
      'Find the rejected Chatwoot call in the exchanges; with Evolution ≤ 1.7.4 on Chatwoot ≥ 3.8 it is the contact_id filter: upgrade Evolution to 1.7.5',
    references: ['evolution#605'],
    match: [
      {
        logs: [
          { service: 'evolution', line: 'ERROR\\s+\\[ChatwootService\\]' },
          { service: 'evolution', line: 'status: 422' },
        ],
      },
    ],
  },
  {
    id: 'chatwoot-token-header-dropped',
    summary: 'Chatwoot got no api_access_token header (devise 401): a reverse proxy in front of Chatwoot drops headers with underscores',
    remedy: 'Set `underscores_in_headers on;` in nginx (Chatwoot’s own template does), or send the token as `Api-Access-Token`',
    references: ['chatwoot#1057', 'chatwoot#10054', 'evolution#1709', 'evolution#2394', 'evolution#560'],
    match: [{ exchanges: [{ status: 401, responseBody: DEVISE_401 }] }],
  },
  {
    id: 'chatwoot-token-invalid',
    summary: 'Chatwoot does not know the access token (401 Invalid Access Token)',
    remedy:
      'Use a user access token from Chatwoot (Profile settings → Access token) of an administrator of the account; platform and bot tokens do not work here',
    references: ['chatwoot#10147'],
    match: [{ exchanges: [{ status: 401, responseBody: 'Invalid Access Token' }] }],
  },
  {
    id: 'chatwoot-account-access',
    summary: 'The token’s user is not a member of the configured Chatwoot account, or the account id does not exist',
    remedy: 'Set chatwoot_account_id to the account the token’s user belongs to (the number in /app/accounts/<id>/…)',
    references: ['evolution#264', 'evolution#120'],
    match: [
      { exchanges: [{ status: 401, responseBody: 'You are not authorized to access this account' }] },
      // A collection route answering 404 can only mean the account id is unknown (chatwoot-3.7-3.9.md §2.3).
      {
        exchanges: [{ status: 404, path: '^/api/v1/accounts/\\d+/(inboxes|contacts|conversations)(/filter)?/?$', responseBody: 'Resource could not be found' }],
      },
    ],
  },
  {
    id: 'evolution-chatwoot-disabled',
    summary:
      'Evolution 2.x has CHATWOOT_ENABLED not exactly "true" (the image’s .env says false): every Chatwoot route and the create with Chatwoot answer 400',
    remedy: 'Set CHATWOOT_ENABLED=true (lower case, exactly) in Evolution’s environment and restart it; the stored Chatwoot settings come back',
    references: ['evolution#1011', 'evolution#1503', 'evolution#2334'],
    match: [{ exchanges: [{ status: 400, responseBody: 'Chatwoot is (not enabled|disabled)' }] }, { message: 'Chatwoot is (not enabled|disabled)' }],
  },
  {
    id: 'evolution-snake-case-body',
    summary: 'A 1.7-style body (chatwoot_account_id, …) sent to Evolution 2.x: the fields are ignored and the instance is created without Chatwoot',
    remedy:
      'Use the 2.x fields: chatwootAccountId (a string), chatwootToken, chatwootUrl, chatwootSignMsg, chatwootReopenConversation, chatwootConversationPending, and integration "WHATSAPP-BAILEYS"',
    references: ['evolution#923'],
    match: [{ message: 'snake_case' }],
  },
  {
    id: 'evolution-redis-unreachable',
    summary:
      'Evolution 2.x’s Redis cache is on (the image default, redis://localhost:6379/6) but no Redis answers: every Chatwoot operation waits forever, nothing reaches Chatwoot',
    remedy: 'Run Redis where CACHE_REDIS_URI points, or set CACHE_REDIS_ENABLED=false (and CACHE_LOCAL_ENABLED=true for a local cache)',
    references: [],
    match: [{ logs: [{ service: 'evolution', line: '\\[Redis\\].*redis disconnected' }] }, { message: 'redis disconnected' }],
  },
  {
    id: 'evolution-database-unreachable',
    summary: 'Evolution 2.x cannot reach its database at start: the entrypoint’s migration fails ("Migration failed") and the container exits',
    remedy: 'Give Evolution a reachable PostgreSQL (or MySQL): DATABASE_PROVIDER and DATABASE_CONNECTION_URI in the container environment',
    references: [],
    match: [{ message: 'Migration failed' }, { logs: [{ line: '^Migration failed$' }] }],
  },
  {
    id: 'evolution-import-db-drops-media',
    summary:
      'Evolution 2.1.2 checks every inbound media message against the import database; with the image’s placeholder URI (host "host") that check throws and the media never reaches Chatwoot',
    remedy: 'Set CHATWOOT_IMPORT_DATABASE_CONNECTION_URI to Chatwoot’s database or to the empty string, or upgrade Evolution to 2.2.0+',
    references: ['evolution commit 34769e22'],
    match: [{ message: 'import database' }, { logs: [{ service: 'evolution', line: 'getaddrinfo \\w+ host' }] }],
  },
  {
    id: 'webhook-double-slash',
    summary:
      'Evolution’s SERVER_URL ends with "/", so the inbox webhook is …//chatwoot/webhook/…, which Evolution answers with 404: Chatwoot marks the message failed',
    remedy: 'Remove the trailing "/" from SERVER_URL and correct the inbox webhook URL in Chatwoot (Evolution does not update an existing inbox)',
    references: ['evolution#471', 'evolution#264'],
    match: [
      { exchanges: [{ link: 'chatwoot->evolution', method: 'POST', path: '^//chatwoot/webhook/', status: 404 }] },
      { exchanges: [{ status: 404, responseBody: 'Cannot POST //chatwoot/webhook/' }] },
    ],
  },
  {
    id: 'server-url-unreachable',
    summary: 'Chatwoot cannot connect to Evolution’s SERVER_URL (the inbox webhook URL): the message is marked failed "Failed to open TCP connection"',
    remedy: 'Set SERVER_URL to an address Chatwoot can reach, use one addressing style for both services, then correct the inbox webhook URL',
    references: ['evolution#1375'],
    match: [
      { exchanges: [{ link: 'chatwoot->evolution', error: 'ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|Failed to open TCP connection' }] },
      { exchanges: [{ responseBody: 'Failed to open TCP connection' }] },
      { logs: [{ service: 'chatwoot', line: 'Invalid webhook URL .*Failed to open TCP connection' }] },
      { message: 'Failed to open TCP connection' },
    ],
  },
  {
    id: 'webhook-timeout-slow-storage',
    summary:
      'Slow object storage made a webhook exceed Chatwoot’s 5 s timeout ("Timed out reading data from server"): the message is marked failed although it may still be delivered',
    remedy: 'Bring storage latency well under 5 s (co-locate MinIO/S3, check STORAGE_ENDPOINT), or use local storage',
    references: ['chatwoot#8277', 'evolution#833'],
    seedClaim: 'slow-s3-breaks-initialisation',
    match: [
      { exchanges: [{ responseBody: 'Timed out reading data from server' }, { link: 'chatwoot->storage', minDurationMs: 2000 }] },
      {
        exchanges: [
          { link: 'chatwoot->evolution', error: 'timeout|Timed out' },
          { link: 'chatwoot->storage', minDurationMs: 2000 },
        ],
      },
      // What a recording proxy on the webhook link sees: Chatwoot hangs up after its 5 s (chatwoot-3.7-3.9.md §4).
      {
        exchanges: [
          { link: 'chatwoot->evolution', error: 'client closed the connection before the response was complete', minDurationMs: 4500 },
          { link: 'chatwoot->storage', minDurationMs: 2000 },
        ],
      },
      { message: 'Timed out reading data from server', exchanges: [{ link: 'chatwoot->storage', minDurationMs: 2000 }] },
    ],
  },
  {
    id: 'evolution-apikey-missing',
    summary: 'Evolution refused the call: no `apikey` header (403 Missing global api key)',
    remedy: 'Send Evolution’s AUTHENTICATION_API_KEY in the `apikey` header',
    references: [],
    match: [{ exchanges: [{ status: 403, responseBody: 'Missing global api key' }] }],
  },
  {
    id: 'evolution-apikey-invalid',
    summary: 'Evolution refused the `apikey` (401 Unauthorized): neither the global key nor the instance’s key',
    remedy: 'Use the global AUTHENTICATION_API_KEY, or the token the instance was created with',
    references: [],
    match: [{ exchanges: [{ status: 401, responseBody: '"error":"Unauthorized","response":\\{"message":"Unauthorized"\\}' }] }],
  },
];
