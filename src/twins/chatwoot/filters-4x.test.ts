import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatwootVersion } from '../../model/axes.ts';
import { call, createContact, createConversation, createInbox, signup, startTestTwin, type Account, type TestTwin } from './test-support/chatwoot-test-kit.ts';

/** `allowed_keys` of the conversation 422, as chatwoot-3.10-4.x.md §1.2 lists them per version range. */
const KEYS_TO_4_9 =
  'status,assignee_id,inbox_id,team_id,priority,display_id,campaign_id,labels,browser_language,conversation_language,country_code,referer,created_at,last_activity_at,mail_subject';
const KEYS_4_10_TO_4_14_1 =
  'status,assignee_id,inbox_id,team_id,priority,display_id,campaign_id,labels,browser_language,conversation_language,referer,created_at,last_activity_at,mail_subject';
const KEYS_FROM_4_14_2 =
  'status,assignee_id,inbox_id,team_id,contact_id,priority,display_id,campaign_id,labels,browser_language,conversation_language,referer,created_at,last_activity_at,mail_subject';

/** What the sheet says each profile answers to Evolution 1.7.4's lookup and to a bad query_operator (§1.3 exact bodies). */
const SHEET: Record<
  string,
  { keys: string; contactId: 'rejected' | 'accepted'; queryOperator: 'none' | 'english-only' | 'translated'; companyKey?: 'company_name' }
> = {
  '3.9.0': { keys: KEYS_TO_4_9, contactId: 'rejected', queryOperator: 'none' },
  '3.16.0': { keys: KEYS_TO_4_9, contactId: 'rejected', queryOperator: 'english-only' },
  '4.0.4': { keys: KEYS_TO_4_9, contactId: 'rejected', queryOperator: 'translated' },
  '4.12.1': { keys: KEYS_4_10_TO_4_14_1, contactId: 'rejected', queryOperator: 'translated' },
  '4.13.0': { keys: KEYS_4_10_TO_4_14_1, contactId: 'rejected', queryOperator: 'translated' },
  '4.14.0': { keys: KEYS_4_10_TO_4_14_1, contactId: 'rejected', queryOperator: 'translated', companyKey: 'company_name' },
  '4.14.2': { keys: KEYS_FROM_4_14_2, contactId: 'accepted', queryOperator: 'translated', companyKey: 'company_name' },
  '4.15.1': { keys: KEYS_FROM_4_14_2, contactId: 'accepted', queryOperator: 'translated', companyKey: 'company_name' },
};
const QUERY_OPERATOR_EN = '{"error":"Query operator must be either \\"AND\\" or \\"OR\\"."}';
const QUERY_OPERATOR_PT = '{"error":"Operador de consulta deve ser \\"E\\" ou \\"OU\\"."}';

/** Evolution 1.7.4's bot-conversation lookup (chatwoot-3.10-4.x.md extended grid: `[inbox_id AND, contact_id AND, status=open]`). */
function evolutionFilter(inboxId: number, contactId: number, last: unknown = null) {
  return {
    payload: [
      { attribute_key: 'inbox_id', filter_operator: 'equal_to', values: [String(inboxId)], query_operator: 'AND' },
      { attribute_key: 'contact_id', filter_operator: 'equal_to', values: [String(contactId)], query_operator: 'AND' },
      { attribute_key: 'status', filter_operator: 'equal_to', values: ['open'], query_operator: last },
    ],
  };
}

describe.each(Object.keys(SHEET) as ChatwootVersion[])('filters of the 3.10+ profiles on %s (chatwoot-3.10-4.x.md §1)', (version) => {
  const sheet = SHEET[version]!;
  let t: TestTwin;
  let en: Account;
  let pt: Account;
  let inboxId: number;
  let botContactId: number;
  let botConversationId: number;
  const filter = (account: Account, body: unknown, model = 'conversations') =>
    call(t.url, 'POST', `/api/v1/accounts/${account.accountId}/${model}/filter`, { token: account.token, json: body });

  beforeAll(async () => {
    t = await startTestTwin(version);
    en = await signup(t.url);
    pt = await signup(t.url, { locale: 'pt_BR' });
    const inbox = await createInbox(t.url, en, 'evolution');
    inboxId = inbox.id;
    const other = await createContact(t.url, en, { inbox_id: inbox.id, name: 'Other', phone_number: '+5511911111111' });
    await createConversation(t.url, en, { contact_id: other.id, inbox_id: inbox.id });
    const bot = await createContact(t.url, en, {
      inbox_id: inbox.id,
      name: 'EvolutionAPI',
      phone_number: '+123456',
      additional_attributes: { company_name: 'Evo' },
    });
    botContactId = bot.id;
    botConversationId = (await createConversation(t.url, en, { contact_id: String(bot.id), inbox_id: String(inbox.id) })).id;
  });
  afterAll(() => t.twin.close());

  it(`Evolution 1.7.4's contact_id lookup: ${sheet.contactId === 'accepted' ? '200 with the bot conversation (PR #14629)' : 'the exact 422 of its key list'}`, async () => {
    const answer = await filter(en, evolutionFilter(inboxId, botContactId));
    if (sheet.contactId === 'accepted') {
      expect(answer.status).toBe(200);
      expect(answer.json.payload.map((c: { id: number }) => c.id)).toEqual([botConversationId]);
      return;
    }
    expect(answer.status).toBe(422);
    expect(answer.text).toBe(
      `{"error":"Invalid attribute key - [contact_id]. The key should be one of [${sheet.keys}] or a custom attribute defined in the account."}`,
    );
    const inPortuguese = await filter(pt, evolutionFilter(inboxId, botContactId));
    expect(inPortuguese.text).toBe(
      `{"error":"Chave de atributo inválido - [contact_id]. A chave deve ser uma das [${sheet.keys}] ou um atributo personalizado definido na conta."}`,
    );
  });

  it('names the key list of the version in the 422 of an unknown key', async () => {
    const answer = await filter(en, { payload: [{ attribute_key: 'foo', filter_operator: 'equal_to', values: ['1'], query_operator: null }] });
    expect(answer.status).toBe(422);
    expect(answer.json.error).toContain(`[${sheet.keys}]`);
  });

  it(`query_operator "XOR": ${sheet.queryOperator === 'none' ? 'no check (an SQL error, 500)' : `422 before any condition is checked (pt_BR: ${sheet.queryOperator === 'translated' ? 'Portuguese' : 'English'})`}`, async () => {
    // The first condition alone would be a 422 of its own (contact_id where rejected): the query_operator check runs first.
    const bad = evolutionFilter(inboxId, botContactId);
    bad.payload[1]!.query_operator = 'XOR';
    const answer = await filter(en, bad);
    const inPortuguese = await filter(pt, bad);
    if (sheet.queryOperator === 'none') {
      expect(answer.status).toBe(sheet.contactId === 'rejected' ? 422 : 500);
      return;
    }
    expect(answer).toMatchObject({ status: 422, text: QUERY_OPERATOR_EN });
    expect(inPortuguese).toMatchObject({ status: 422, text: sheet.queryOperator === 'translated' ? QUERY_OPERATOR_PT : QUERY_OPERATOR_EN });
    // Upcased: "and" passes the check; a trailing joiner is still a syntax error after it.
    const lower = evolutionFilter(inboxId, botContactId);
    lower.payload[0]!.query_operator = 'and';
    expect((await filter(en, lower)).status).toBe(sheet.contactId === 'accepted' ? 200 : 422);
    expect((await filter(en, evolutionFilter(inboxId, botContactId, 'AND'))).status).toBe(sheet.contactId === 'accepted' ? 500 : 422);
    // A number has no `.empty?`/`.upcase`: NoMethodError, unrescued (Inference, §1.3).
    const numeric = evolutionFilter(inboxId, botContactId, 1);
    expect((await filter(en, numeric)).status).toBe(500);
  });

  it('contacts filter: the company key is `company` until 4.13.x, `company_name` from 4.14.0 (PR #14099)', async () => {
    const companyKey = sheet.companyKey ?? 'company';
    const otherKey = companyKey === 'company' ? 'company_name' : 'company';
    const known = await filter(
      en,
      { payload: [{ attribute_key: companyKey, filter_operator: 'equal_to', values: ['Evo'], query_operator: null }] },
      'contacts',
    );
    expect(known.status).toBe(200);
    const unknown = await filter(
      en,
      { payload: [{ attribute_key: otherKey, filter_operator: 'equal_to', values: ['Evo'], query_operator: null }] },
      'contacts',
    );
    expect(unknown.status).toBe(422);
    expect(unknown.json.error).toContain(`Invalid attribute key - [${otherKey}]`);
  });
});
