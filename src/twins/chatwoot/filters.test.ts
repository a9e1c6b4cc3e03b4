import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatwootVersion } from '../../model/axes.ts';
import {
  call,
  createContact,
  createConversation,
  createInbox,
  signup,
  startTestTwin,
  VERSIONS,
  type Account,
  type TestTwin,
} from './test-support/chatwoot-test-kit.ts';

const ALLOWED_CONVERSATION_KEYS =
  'status,assignee_id,inbox_id,team_id,priority,display_id,campaign_id,labels,browser_language,conversation_language,country_code,referer,created_at,last_activity_at,mail_subject';
/** The exact bodies of chatwoot-3.7-3.9.md §1.3. */
const CONTACT_ID_422_EN = `{"error":"Invalid attribute key - [contact_id]. The key should be one of [${ALLOWED_CONVERSATION_KEYS}] or a custom attribute defined in the account."}`;
const CONTACT_ID_422_PT = `{"error":"Chave de atributo inválido - [contact_id]. A chave deve ser uma das [${ALLOWED_CONVERSATION_KEYS}] ou um atributo personalizado definido na conta."}`;
const IDENTIFIER_CONTAINS_422 = '{"error":"Invalid operator. The allowed operators for identifier are [equal_to,not_equal_to]."}';

interface World {
  t: TestTwin;
  en: Account;
  pt: Account;
  inboxId: number;
  otherInboxId: number;
  botContactId: number;
  botConversationId: number;
}

/** Evolution 1.7.4's bot-conversation lookup (§3b B3 of the Evolution sheet). */
function evolutionFilter(inboxId: number, contactId: number) {
  return {
    payload: [
      { attribute_key: 'inbox_id', filter_operator: 'equal_to', values: [String(inboxId)], query_operator: 'AND' },
      { attribute_key: 'contact_id', filter_operator: 'equal_to', values: [String(contactId)], query_operator: 'AND' },
      { attribute_key: 'status', filter_operator: 'equal_to', values: ['open'], query_operator: null },
    ],
  };
}

async function world(version: ChatwootVersion): Promise<World> {
  const t = await startTestTwin(version);
  const en = await signup(t.url);
  const pt = await signup(t.url, { locale: 'pt_BR' });
  const inbox = await createInbox(t.url, en, 'evolution');
  const otherInbox = await createInbox(t.url, en, 'other');
  const other = await createContact(t.url, en, { inbox_id: inbox.id, name: 'Other', phone_number: '+5511911111111' });
  await createConversation(t.url, en, { contact_id: other.id, inbox_id: inbox.id });
  const bot = await createContact(t.url, en, { inbox_id: inbox.id, name: 'EvolutionAPI', phone_number: '+123456' });
  await createConversation(t.url, en, { contact_id: bot.id, inbox_id: otherInbox.id });
  const botConversation = await createConversation(t.url, en, { contact_id: String(bot.id), inbox_id: String(inbox.id) });
  return { t, en, pt, inboxId: inbox.id, otherInboxId: otherInbox.id, botContactId: bot.id, botConversationId: botConversation.id };
}

const filterConversations = (w: World, account: Account, body: unknown) =>
  call(w.t.url, 'POST', `/api/v1/accounts/${account.accountId}/conversations/filter`, { token: account.token, json: body });
const filterContacts = (w: World, account: Account, body: unknown, query = '') =>
  call(w.t.url, 'POST', `/api/v1/accounts/${account.accountId}/contacts/filter${query}`, { token: account.token, json: body });

describe.each(VERSIONS)('conversation and contact filters on %s', (version) => {
  let w: World;
  beforeAll(async () => {
    w = await world(version);
  });
  afterAll(() => w.t.twin.close());
  const validating = version !== '3.7.0';

  it("Evolution 1.7.4's contact_id filter: 200 with the bot conversation on 3.7.0, the exact 422 on 3.8.0/3.9.0", async () => {
    const answer = await filterConversations(w, w.en, evolutionFilter(w.inboxId, w.botContactId));
    if (validating) {
      expect(answer.status).toBe(422);
      expect(answer.text).toBe(CONTACT_ID_422_EN);
    } else {
      expect(answer.status).toBe(200);
      expect(answer.json.meta).toEqual({ mine_count: 0, unassigned_count: 1, all_count: 1 });
      expect(answer.json.payload.map((c: { id: number }) => c.id)).toEqual([w.botConversationId]);
      expect(answer.json.payload[0]).toMatchObject({ inbox_id: w.inboxId, status: 'open', meta: { sender: { id: w.botContactId } } });
    }
  });

  it('renders the 422 in the account locale (pt_BR account)', async () => {
    const answer = await filterConversations(w, w.pt, evolutionFilter(1, 1));
    if (validating) expect(answer.text).toBe(CONTACT_ID_422_PT);
    else expect(answer.status).toBe(200);
  });

  it("Evolution ≤1.7.2's identifier contains: 200 on 3.7.0, invalid operator 422 on 3.8.0+", async () => {
    const answer = await filterContacts(w, w.en, {
      payload: [{ attribute_key: 'identifier', filter_operator: 'contains', values: ['123456'], query_operator: null }],
    });
    if (validating) {
      expect(answer.status).toBe(422);
      expect(answer.text).toBe(IDENTIFIER_CONTAINS_422);
    } else {
      expect(answer.status).toBe(200);
    }
  });

  it('checks the value before the key on 3.8.0+: contact_id with no values is "Invalid value"', async () => {
    const answer = await filterConversations(w, w.en, {
      payload: [{ attribute_key: 'contact_id', filter_operator: 'equal_to', values: [], query_operator: null }],
    });
    if (validating) expect(answer).toMatchObject({ status: 422, json: { error: 'Invalid value. The values provided for contact_id are invalid' } });
    else expect(answer.status).toBe(200);
    const pt = await filterConversations(w, w.pt, {
      payload: [{ attribute_key: 'status', filter_operator: 'contains', values: ['open'], query_operator: null }],
    });
    if (validating) expect(pt.json).toEqual({ error: 'Operador inválido. Os operadores permitidos para status são [equal_to,not_equal_to].' });
    // 3.7.0: `conversations.status ILIKE ANY (…)` on an integer column is a Postgres error (measured 500).
    else expect(pt.status).toBe(500);
    const value = await filterConversations(w, w.pt, {
      payload: [{ attribute_key: 'inbox_id', filter_operator: 'equal_to', values: [], query_operator: null }],
    });
    if (validating) expect(value.json).toEqual({ error: 'Valor inválido. Os valores fornecidos para inbox_id são inválidos' });
    else expect(value.status).toBe(200);
  });

  it('first failure wins, in payload order', async () => {
    const answer = await filterConversations(w, w.en, {
      payload: [
        { attribute_key: 'status', filter_operator: 'contains', values: ['open'], query_operator: 'AND' },
        { attribute_key: 'contact_id', filter_operator: 'equal_to', values: ['1'], query_operator: null },
      ],
    });
    if (validating) expect(answer.json.error).toBe('Invalid operator. The allowed operators for status are [equal_to,not_equal_to].');
    else expect(answer.status).toBe(500);
  });

  it('on 3.7.0 an unknown key is dropped with its query_operator: fine in the middle, a 500 at the end', async () => {
    const middle = await filterConversations(w, w.en, {
      payload: [
        { attribute_key: 'inbox_id', filter_operator: 'equal_to', values: [String(w.inboxId)], query_operator: 'AND' },
        { attribute_key: 'no_such_key', filter_operator: 'equal_to', values: ['x'], query_operator: 'AND' },
        { attribute_key: 'status', filter_operator: 'equal_to', values: ['open'], query_operator: null },
      ],
    });
    const last = await filterConversations(w, w.en, {
      payload: [
        { attribute_key: 'inbox_id', filter_operator: 'equal_to', values: [String(w.inboxId)], query_operator: 'AND' },
        { attribute_key: 'no_such_key', filter_operator: 'equal_to', values: ['x'], query_operator: null },
      ],
    });
    if (validating) {
      expect(middle.json.error).toMatch(/^Invalid attribute key - \[no_such_key\]/);
      expect(last.status).toBe(422);
    } else {
      expect(middle.status).toBe(200);
      expect(middle.json.meta.all_count).toBe(2);
      expect(last).toMatchObject({ status: 500, json: { status: 500, error: 'Internal Server Error' } });
    }
  });

  it('priority is a key on 3.8.0+ only; a bogus query_operator is an SQL error (500) everywhere', async () => {
    // Priority values are not mapped: the enum integer works ("2" = high), a name is a Postgres error.
    const priority = await filterConversations(w, w.en, {
      payload: [{ attribute_key: 'priority', filter_operator: 'equal_to', values: ['2'], query_operator: null }],
    });
    // 3.7.0 has no priority key: the only condition is dropped, `AND ( )` is an SQL error (§M).
    if (validating) expect(priority).toMatchObject({ status: 200, json: { meta: { all_count: 0 } } });
    else expect(priority.status).toBe(500);
    const byName = await filterConversations(w, w.en, {
      payload: [{ attribute_key: 'priority', filter_operator: 'equal_to', values: ['high'], query_operator: null }],
    });
    expect(byName).toMatchObject({ status: 500, json: { status: 500, error: 'Internal Server Error' } });
    const bogus = await filterConversations(w, w.en, {
      payload: [
        { attribute_key: 'status', filter_operator: 'equal_to', values: ['open'], query_operator: 'XOR' },
        { attribute_key: 'inbox_id', filter_operator: 'equal_to', values: ['1'], query_operator: null },
      ],
    });
    expect(bogus.status).toBe(500);
  });

  it('a conversation custom attribute named contact_id silences the 422 (filters on the attribute)', async () => {
    const account = await signup(w.t.url);
    const definition = await call(w.t.url, 'POST', `/api/v1/accounts/${account.accountId}/custom_attribute_definitions`, {
      token: account.token,
      json: { attribute_display_name: 'Contact', attribute_key: 'contact_id', attribute_model: 0, attribute_display_type: 'text' },
    });
    expect(definition.status).toBe(200);
    const answer = await filterConversations(w, account, evolutionFilter(1, 1));
    expect(answer.status).toBe(200);
    expect(answer.json.payload).toEqual([]);
  });

  it('conversation filter: meta counts and last_activity_at desc order', async () => {
    const answer = await filterConversations(w, w.en, {
      payload: [{ attribute_key: 'status', filter_operator: 'equal_to', values: ['all'], query_operator: null }],
    });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.json.meta)).toEqual(['mine_count', 'unassigned_count', 'all_count']);
    const activity = answer.json.payload.map((c: { last_activity_at: number }) => c.last_activity_at);
    expect(activity).toEqual([...activity].sort((a, b) => b - a));
    expect(answer.json.payload.map((c: { id: number }) => c.id)).toEqual([3, 2, 1]);
  });

  it('contact filter: values[0] only, "+" prepended to phone numbers, other values lower-cased', async () => {
    const byPhone = await filterContacts(w, w.en, {
      payload: [{ attribute_key: 'phone_number', filter_operator: 'equal_to', values: ['123456', '5511911111111'], query_operator: null }],
    });
    expect(byPhone.status).toBe(200);
    expect(byPhone.json.meta).toEqual({ count: 1, current_page: 1 });
    expect(byPhone.json.payload.map((c: { id: number }) => c.id)).toEqual([w.botContactId]);
    expect(byPhone.json.payload[0].contact_inboxes[0]).toMatchObject({ inbox: { id: w.inboxId } });
    const withPlus = await filterContacts(w, w.en, {
      payload: [{ attribute_key: 'phone_number', filter_operator: 'equal_to', values: ['+123456'], query_operator: null }],
    });
    expect(withPlus.json.meta.count).toBe(0);
    const byName = await filterContacts(w, w.en, {
      payload: [{ attribute_key: 'name', filter_operator: 'equal_to', values: ['EVOLUTIONAPI'], query_operator: null }],
    });
    expect(byName.json.payload.map((c: { id: number }) => c.id)).toEqual([w.botContactId]);
    const contains = await filterContacts(w, w.en, {
      payload: [{ attribute_key: 'name', filter_operator: 'contains', values: ['zzz', 'other'], query_operator: null }],
    });
    expect(contains.json.payload.map((c: { name: string }) => c.name)).toEqual(['Other']);
  });

  it("Evolution 1.7.4's phone OR identifier contact lookup finds the bot contact", async () => {
    const answer = await filterContacts(
      w,
      w.en,
      {
        payload: [
          { attribute_key: 'phone_number', filter_operator: 'equal_to', values: ['123456'], query_operator: 'OR' },
          { attribute_key: 'identifier', filter_operator: 'equal_to', values: ['123456'], query_operator: null },
        ],
      },
      '?page=1',
    );
    expect(answer.status).toBe(200);
    expect(answer.json.meta).toEqual({ count: 1, current_page: '1' });
  });

  it('contact keys: browser_language only on 3.7.0, blocked only on 3.8.0+', async () => {
    const browser = await filterContacts(w, w.en, {
      payload: [{ attribute_key: 'browser_language', filter_operator: 'equal_to', values: ['en'], query_operator: null }],
    });
    const blocked = await filterContacts(w, w.en, {
      payload: [{ attribute_key: 'blocked', filter_operator: 'equal_to', values: ['false'], query_operator: null }],
    });
    if (validating) {
      expect(browser.status).toBe(422);
      expect(browser.json.error).toBe(
        'Invalid attribute key - [browser_language]. The key should be one of [name,phone_number,email,identifier,country_code,city,company,labels,created_at,last_activity_at,blocked] or a custom attribute defined in the account.',
      );
      expect(blocked.json.meta.count).toBe(2);
    } else {
      expect(browser.json.meta.count).toBe(0);
      // blocked is unknown on 3.7.0: the only condition is dropped, leaving `AND ( )` (measured 500).
      expect(blocked.status).toBe(500);
    }
  });
});

describe('contact filter pagination', () => {
  it('returns 15 contacts per page', async () => {
    const t = await startTestTwin('3.9.0');
    try {
      const account = await signup(t.url);
      for (let i = 0; i < 17; i++) await createContact(t.url, account, { name: `Person ${i}`, email: `p${i}@x.test` });
      const body = { payload: [{ attribute_key: 'email', filter_operator: 'contains', values: ['x.test'], query_operator: null }] };
      const first = await call(t.url, 'POST', `/api/v1/accounts/${account.accountId}/contacts/filter`, { token: account.token, json: body });
      const second = await call(t.url, 'POST', `/api/v1/accounts/${account.accountId}/contacts/filter?page=2`, { token: account.token, json: body });
      expect(first.json.meta).toEqual({ count: 17, current_page: 1 });
      expect(first.json.payload).toHaveLength(15);
      expect(second.json.meta).toEqual({ count: 17, current_page: '2' });
      expect(second.json.payload).toHaveLength(2);
    } finally {
      await t.twin.close();
    }
  });
});
