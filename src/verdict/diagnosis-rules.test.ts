import { describe, expect, it } from 'vitest';
import type { Exchange, LogExcerpt } from '../model/result-schema.ts';
import { diagnose, matchRule, type DiagnosisEvidence } from './diagnose.ts';
import { DIAGNOSIS_RULES } from './diagnosis-rules.ts';
import { makeExchange } from './test-support/make-exchange.ts';

const CW = 'http://127.0.0.1:3000/api/v1/accounts/1';
const EVO = 'http://127.0.0.1:8080';
const ex = (exchanges: Exchange[], logs: LogExcerpt[] = []): DiagnosisEvidence => ({ exchanges, logs });

const EN_422 =
  '{"error":"Invalid attribute key - [contact_id]. The key should be one of [status,assignee_id,inbox_id,team_id,priority,display_id,campaign_id,labels,browser_language,conversation_language,country_code,referer,created_at,last_activity_at,mail_subject] or a custom attribute defined in the account."}';
const PT_422 =
  '{"error":"Chave de atributo inválido - [contact_id]. A chave deve ser uma das [status,assignee_id,inbox_id] ou um atributo personalizado definido na conta."}';

const CONTACT_ID_FILTER =
  '{"payload":[{"attribute_key":"inbox_id","filter_operator":"equal_to","values":["3"],"query_operator":"AND"},{"attribute_key":"contact_id","filter_operator":"equal_to","values":["7"],"query_operator":"AND"}]}';
const REFUSAL = "Hostname '127.0.0.1' has no public ip addresses";
const CHATWOOT_NOT_ENABLED = '{"status":400,"error":"Bad Request","response":{"message":["Chatwoot is not enabled"]}}';
const chatwootLog = (lines: string[]): LogExcerpt => ({ service: 'chatwoot-4.14.0-local', truncated: false, lines });

/** Per rule: evidence that must match it, and a near miss that must not. */
const CASES: Record<string, { matches: DiagnosisEvidence[]; misses: DiagnosisEvidence[] }> = {
  'chatwoot-accepts-contact-id-again': {
    matches: [
      ex([makeExchange({ method: 'POST', url: `${CW}/conversations/filter`, status: 200, requestBody: CONTACT_ID_FILTER, responseBody: '{"payload":[]}' })]),
    ],
    misses: [
      ex([makeExchange({ method: 'POST', url: `${CW}/conversations/filter`, status: 422, requestBody: CONTACT_ID_FILTER, responseBody: EN_422 })]),
      ex([makeExchange({ method: 'POST', url: `${CW}/conversations/filter`, status: 200, requestBody: '{"payload":[]}', responseBody: '{"payload":[]}' })]),
    ],
  },
  'chatwoot-refuses-private-webhook-target': {
    matches: [
      { exchanges: [], logs: [], message: `Chatwoot marked the \`status\` command failed: ${REFUSAL}` },
      ex(
        [],
        [
          chatwootLog([
            `W, [2026-12-02T20:03:45.995000 #1] WARN -- : [ActiveJob] [WebhookJob] Exception: Invalid webhook URL http://127.0.0.1:8080/chatwoot/webhook/x : ${REFUSAL}`,
          ]),
        ],
      ),
    ],
    misses: [
      { exchanges: [], logs: [], message: 'Chatwoot marked the `status` command failed: 404 Not Found' },
      ex([], [chatwootLog(['Exception: Invalid webhook URL http://127.0.0.1:8080/chatwoot/webhook/x : Failed to open TCP connection to 127.0.0.1:1'])]),
    ],
  },
  'chatwoot-needs-pgvector': {
    matches: [
      ex(
        [],
        [
          chatwootLog([
            "StandardError: An error has occurred, this and all later migrations canceled: Failed to enable 'vector' extension. Read more at https://chwt.app/v4/migration",
          ]),
        ],
      ),
      ex([], [chatwootLog(['PG::FeatureNotSupported: ERROR:  extension "vector" is not available'])]),
    ],
    misses: [ex([], [chatwootLog(['PG::UndefinedTable: ERROR:  relation "captain_assistants" does not exist'])])],
  },
  'chatwoot-rejects-contact-id': {
    matches: [
      ex([makeExchange({ method: 'POST', url: `${CW}/conversations/filter`, status: 422, responseBody: EN_422 })]),
      ex([makeExchange({ link: 'harness->chatwoot', method: 'POST', url: `${CW}/conversations/filter`, status: 422, responseBody: PT_422 })]),
    ],
    misses: [
      ex([makeExchange({ method: 'POST', url: `${CW}/conversations/filter`, status: 200, responseBody: '{"payload":[]}' })]),
      ex([makeExchange({ method: 'POST', url: `${CW}/contacts/filter`, status: 422, responseBody: EN_422 })]),
    ],
  },
  'identifier-contains-rejected': {
    matches: [
      ex([
        makeExchange({
          method: 'POST',
          url: `${CW}/contacts/filter`,
          status: 422,
          responseBody: '{"error":"Invalid operator. The allowed operators for identifier are [equal_to,not_equal_to]."}',
        }),
      ]),
    ],
    misses: [
      ex([
        makeExchange({
          method: 'POST',
          url: `${CW}/contacts/filter`,
          status: 422,
          responseBody: '{"error":"Invalid operator. The allowed operators for status are [equal_to,not_equal_to]."}',
        }),
      ]),
    ],
  },
  'evolution-logged-chatwoot-error': {
    matches: [
      ex(
        [],
        [
          {
            service: 'evolution',
            truncated: false,
            lines: ['[Evolution API]    v1.7.4  311   -  Tue Nov 26 2026 10:00:01     ERROR   [ChatwootService]  [object]', '  status: 422,'],
          },
        ],
      ),
    ],
    misses: [
      ex(
        [],
        [{ service: 'evolution', truncated: false, lines: ['[Evolution API] 311 - x  WARN [ChatwootService] [string] conversation not found', 'status: 422'] }],
      ),
      ex([], [{ service: 'chatwoot', truncated: false, lines: ['ERROR [ChatwootService] [object]', 'status: 422'] }]),
    ],
  },
  'chatwoot-token-header-dropped': {
    matches: [
      ex([makeExchange({ status: 401, responseBody: '{"errors":["You need to sign in or sign up before continuing."]}' })]),
      ex([makeExchange({ status: 401, responseBody: '{"errors":["Você precisa entrar ou se cadastrar antes de continuar."]}' })]),
    ],
    misses: [ex([makeExchange({ status: 401, responseBody: '{"error":"Invalid Access Token"}' })])],
  },
  'chatwoot-token-invalid': {
    matches: [ex([makeExchange({ status: 401, responseBody: '{"error":"Invalid Access Token"}' })])],
    misses: [ex([makeExchange({ status: 200, responseBody: '{"note":"Invalid Access Token"}' })])],
  },
  'chatwoot-account-access': {
    matches: [
      ex([makeExchange({ status: 401, responseBody: '{"error":"You are not authorized to access this account"}' })]),
      ex([makeExchange({ url: 'http://127.0.0.1:3000/api/v1/accounts/999/inboxes', status: 404, responseBody: '{"error":"Resource could not be found"}' })]),
    ],
    misses: [ex([makeExchange({ url: `${CW}/conversations/42`, status: 404, responseBody: '{"error":"Resource could not be found"}' })])],
  },
  'webhook-double-slash': {
    matches: [
      ex([
        makeExchange({
          link: 'chatwoot->evolution',
          method: 'POST',
          url: `${EVO}//chatwoot/webhook/cell1`,
          status: 404,
          responseBody: '{"status":404,"error":"Not Found","response":{"message":["Cannot POST //chatwoot/webhook/cell1"]}}',
        }),
      ]),
    ],
    misses: [ex([makeExchange({ link: 'chatwoot->evolution', method: 'POST', url: `${EVO}/chatwoot/webhook/cell1`, status: 404, responseBody: '{}' })])],
  },
  'evolution-chatwoot-disabled': {
    matches: [
      ex([makeExchange({ link: 'harness->evolution', method: 'POST', url: `${EVO}/instance/create`, status: 400, responseBody: CHATWOOT_NOT_ENABLED })]),
      { exchanges: [], logs: [], message: `/instance/create with Chatwoot answered 400: ${CHATWOOT_NOT_ENABLED}` },
    ],
    misses: [
      ex([
        makeExchange({
          link: 'harness->evolution',
          method: 'POST',
          url: `${EVO}/instance/create`,
          status: 400,
          responseBody: '{"response":{"message":["Invalid integration"]}}',
        }),
      ]),
    ],
  },
  'evolution-snake-case-body': {
    matches: [{ exchanges: [], logs: [], message: 'Evolution 2.2.3 ignored the snake_case chatwoot_* fields: the instance was created without Chatwoot' }],
    misses: [{ exchanges: [], logs: [], message: 'deadline of 15000 ms passed waiting for inbox "x" in Chatwoot' }],
  },
  'evolution-redis-unreachable': {
    matches: [
      ex(
        [],
        [
          {
            service: 'evolution-2.2.3-redis-unreachable',
            truncated: false,
            lines: ['[Evolution API] v2.2.3 1 - Wed Dec 02 2026 ERROR [Redis] [string] redis disconnected'],
          },
        ],
      ),
    ],
    misses: [
      ex([], [{ service: 'evolution-2.2.3', truncated: false, lines: ['[Evolution API] v2.2.3 1 - Wed Dec 02 2026 VERBOSE [Redis] [string] redis ready'] }]),
    ],
  },
  'evolution-database-unreachable': {
    matches: [{ exchanges: [], logs: [], message: 'Evolution 2.3.6 did not start without a reachable database: Migration failed' }],
    misses: [{ exchanges: [], logs: [], message: 'Evolution 2.3.6 answered 500' }],
  },
  'evolution-import-db-drops-media': {
    matches: [
      {
        exchanges: [],
        logs: [],
        message: "the inbound image never reached Chatwoot: Evolution's import database check failed (Error: getaddrinfo ENOTFOUND host)",
      },
      ex([], [{ service: 'evolution-2.1.2-baked-import-uri', truncated: false, lines: ['Error: getaddrinfo ENOTFOUND host'] }]),
    ],
    misses: [ex([], [{ service: 'evolution-2.1.2', truncated: false, lines: ['Error: getaddrinfo ENOTFOUND chatwoot-db'] }])],
  },
  'server-url-unreachable': {
    matches: [
      ex([
        makeExchange({ link: 'chatwoot->evolution', method: 'POST', url: 'http://127.0.0.1:9/chatwoot/webhook/x', error: 'connect ECONNREFUSED 127.0.0.1:9' }),
      ]),
      ex([
        makeExchange({
          link: 'harness->chatwoot',
          url: `${CW}/conversations/3/messages`,
          responseBody:
            '{"payload":[{"status":"failed","content_attributes":{"external_error":"Failed to open TCP connection to 127.0.0.1:9 (Connection refused)"}}]}',
        }),
      ]),
      ex(
        [],
        [
          {
            service: 'chatwoot-3.8.0-minio',
            truncated: false,
            lines: [
              'W, [2026-11-26T03:59:15.17 #1]  WARN -- : [ActiveJob] [WebhookJob] Exception: Invalid webhook URL http://127.0.0.1:9/chatwoot/webhook/x : Failed to open TCP connection to 127.0.0.1:9 (Connection refused)',
            ],
          },
        ],
      ),
      { exchanges: [], logs: [], message: 'Chatwoot marked the `status` command failed: Failed to open TCP connection to 127.0.0.1:9' },
    ],
    misses: [
      ex([makeExchange({ link: 'evolution->chatwoot', error: 'connect ECONNREFUSED 127.0.0.1:3000' })]),
      ex([], [{ service: 'evolution-1.7.4', truncated: false, lines: ['Invalid webhook URL x : Failed to open TCP connection'] }]),
    ],
  },
  'webhook-timeout-slow-storage': {
    matches: [
      ex([
        makeExchange({ id: 'a', link: 'harness->chatwoot', responseBody: '{"external_error":"Timed out reading data from server"}' }),
        makeExchange({ id: 'b', link: 'chatwoot->storage', method: 'PUT', url: 'http://127.0.0.1:9000/bucket/key', durationMs: 6012 }),
      ]),
      {
        exchanges: [makeExchange({ id: 'b', link: 'chatwoot->storage', method: 'PUT', url: 'http://127.0.0.1:9000/bucket/key', durationMs: 6012 })],
        logs: [],
        message: 'the reply was marked failed: Timed out reading data from server',
      },
    ],
    misses: [
      ex([
        makeExchange({ id: 'a', link: 'harness->chatwoot', responseBody: '{"external_error":"Timed out reading data from server"}' }),
        makeExchange({ id: 'b', link: 'chatwoot->storage', method: 'PUT', url: 'http://127.0.0.1:9000/bucket/key', durationMs: 40 }),
      ]),
    ],
  },
  'evolution-apikey-missing': {
    matches: [
      ex([
        makeExchange({
          link: 'harness->evolution',
          status: 403,
          responseBody: '{"status":403,"error":"Forbidden","response":{"message":["Missing global api key","The global api key must be set"]}}',
        }),
      ]),
    ],
    misses: [
      ex([
        makeExchange({
          link: 'harness->evolution',
          status: 403,
          responseBody: '{"status":403,"error":"Forbidden","response":{"message":["This name \\"x\\" is already in use."]}}',
        }),
      ]),
    ],
  },
  'evolution-apikey-invalid': {
    matches: [
      ex([
        makeExchange({ link: 'harness->evolution', status: 401, responseBody: '{"status":401,"error":"Unauthorized","response":{"message":"Unauthorized"}}' }),
      ]),
    ],
    misses: [ex([makeExchange({ status: 401, responseBody: '{"error":"Invalid Access Token"}' })])],
  },
};

describe('diagnosis rules, each alone', () => {
  it('has a case for every rule and unique ids', () => {
    expect(Object.keys(CASES).sort()).toEqual(DIAGNOSIS_RULES.map((rule) => rule.id).sort());
    expect(new Set(DIAGNOSIS_RULES.map((rule) => rule.id)).size).toBe(DIAGNOSIS_RULES.length);
  });

  for (const rule of DIAGNOSIS_RULES) {
    const cases = CASES[rule.id];
    it(`${rule.id}: matches its signature and not a near miss`, () => {
      expect(cases).toBeDefined();
      cases!.matches.forEach((evidence, index) => expect(matchRule(rule, evidence), `match #${index}`).toBeDefined());
      cases!.misses.forEach((evidence, index) => expect(matchRule(rule, evidence), `miss #${index}`).toBeUndefined());
    });
  }
});

describe('diagnose', () => {
  const filter422 = makeExchange({ id: 'f', method: 'POST', url: `${CW}/conversations/filter`, status: 422, responseBody: EN_422 });
  const evolutionLog: LogExcerpt = { service: 'evolution', truncated: false, lines: ['ERROR [ChatwootService] [object]', 'status: 422,'] };

  it('prefers the exchange-backed, more specific rule over the log-only one', () => {
    const finding = diagnose(ex([filter422], [evolutionLog]));
    expect(finding?.rule.id).toBe('chatwoot-rejects-contact-id');
    expect(finding?.decisive).toEqual({ kind: 'exchange', exchangeId: 'f' });
  });

  it('prefers what the scenario pointed at', () => {
    const devise = makeExchange({ id: 'd', status: 401, responseBody: '{"errors":["You need to sign in or sign up before continuing."]}' });
    expect(diagnose(ex([filter422, devise]))?.rule.id).toBe('chatwoot-rejects-contact-id');
    const pointed = diagnose(ex([filter422, devise]), { kind: 'exchange', exchangeId: 'd' });
    expect(pointed?.rule.id).toBe('chatwoot-token-header-dropped');
    expect(pointed?.onDecisive).toBe(true);
  });

  it('falls back to a log line and reports it as decisive', () => {
    const finding = diagnose(ex([], [evolutionLog]));
    expect(finding?.rule.id).toBe('evolution-logged-chatwoot-error');
    expect(finding?.decisive).toEqual({ kind: 'log', service: 'evolution', line: 'ERROR [ChatwootService] [object]' });
  });

  it('does not borrow a diagnosis from a neighbour when the scenario pointed at something else', () => {
    const neighbour = makeExchange({ id: 'n', link: 'chatwoot->evolution', method: 'POST', url: 'http://127.0.0.1:1//chatwoot/webhook/x', status: 404 });
    const own = makeExchange({ id: 'o', link: 'harness->chatwoot', url: `${CW}/contacts/7/conversations` });
    expect(diagnose(ex([neighbour, own]))?.rule.id).toBe('webhook-double-slash');
    expect(diagnose(ex([neighbour, own]), { kind: 'exchange', exchangeId: 'o' })).toBeUndefined();
    const withMessage = diagnose(
      { exchanges: [neighbour, own], logs: [], message: 'failed: Failed to open TCP connection to 127.0.0.1:9' },
      { kind: 'exchange', exchangeId: 'o' },
    );
    expect(withMessage?.rule.id).toBe('server-url-unreachable');
    expect(withMessage?.decisive).toEqual({ kind: 'exchange', exchangeId: 'o' });
  });

  it('finds nothing in clean evidence', () => {
    expect(diagnose(ex([makeExchange()], [{ service: 'evolution', truncated: false, lines: ['INFO started'] }]))).toBeUndefined();
  });
});
