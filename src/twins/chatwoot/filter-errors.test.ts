import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signup, startTestTwin, VERSIONS, type Account, type TestTwin } from './test-support/chatwoot-test-kit.ts';

/**
 * Malformed filters (filter_service.rb, filter_helper.rb at each tag): 3.7.0 sends them to SQL and
 * answers Rails' 500, 3.8.0/3.9.0 validate condition by condition and the first bad one answers 422
 * (measured on all three, §M). The 500 body and type are Rails' public JSON error.
 */
const RAILS_500 = { status: 500, json: { status: 500, error: 'Internal Server Error' } };
const cond = (attribute_key: string, filter_operator: string, values: unknown, query_operator: string | null = null) => ({
  attribute_key,
  filter_operator,
  values,
  query_operator,
});

describe.each(VERSIONS)('malformed filters on %s', (version) => {
  let t: TestTwin;
  let account: Account;
  const filter = (model: 'conversations' | 'contacts', payload: unknown[]) =>
    call(t.url, 'POST', `/api/v1/accounts/${account.accountId}/${model}/filter`, { token: account.token, json: { payload } });
  beforeAll(async () => {
    t = await startTestTwin(version);
    account = await signup(t.url);
  });
  afterAll(() => t.twin.close());

  if (version === '3.7.0') {
    it('status with operator eq: 500 (compares the integer column with "[0]")', async () => {
      const answer = await filter('conversations', [cond('status', 'eq', ['open'])]);
      expect(answer).toMatchObject(RAILS_500);
      expect(answer.headers['content-type']).toBe('application/json; charset=UTF-8');
      expect(t.log.lines().join('\n')).toContain('PG::InvalidTextRepresentation');
    });

    it('a contact filter on country_code with values [] is NoMethodError (500), even as a later condition', async () => {
      expect(await filter('contacts', [cond('country_code', 'equal_to', [])])).toMatchObject(RAILS_500);
      expect(await filter('contacts', [cond('name', 'equal_to', ['x'], 'AND'), cond('country_code', 'equal_to', [])])).toMatchObject(RAILS_500);
      expect(t.log.lines().join('\n')).toContain("NoMethodError (undefined method `downcase' for nil)");
      // Other keys take values[0] = nil without failing.
      expect((await filter('contacts', [cond('city', 'equal_to', [])])).status).toBe(200);
    });

    it('a filter whose only condition has a key 3.7.0 does not know (phone_number, priority) leaves AND ( ): 500', async () => {
      expect(await filter('conversations', [cond('phone_number', 'equal_to', ['+1'])])).toMatchObject(RAILS_500);
      expect(await filter('conversations', [cond('priority', 'equal_to', ['high'])])).toMatchObject(RAILS_500);
      expect(await filter('conversations', [cond('zzz', 'equal_to', ['1'], 'AND'), cond('yyy', 'equal_to', ['1'])])).toMatchObject(RAILS_500);
      expect(await filter('contacts', [cond('zzz', 'equal_to', ['x'])])).toMatchObject(RAILS_500);
      expect(t.log.lines().join('\n')).toContain('PG::SyntaxError');
      // Dropped first, then a real condition: the query still parses; an empty payload adds nothing.
      expect((await filter('conversations', [cond('phone_number', 'equal_to', ['+1'], 'AND'), cond('status', 'equal_to', ['open'])])).status).toBe(200);
      expect((await filter('conversations', [])).status).toBe(200);
    });

    it('an unknown operator on a text column compares with the Ruby array and matches nothing (200)', async () => {
      expect(await filter('conversations', [cond('mail_subject', 'eq', ['x'])])).toMatchObject({ status: 200, json: { meta: { all_count: 0 } } });
      expect(await filter('conversations', [cond('inbox_id', 'eq', ['1'])])).toMatchObject(RAILS_500);
    });
  } else {
    it('the first failing condition wins, in payload order', async () => {
      const operator = 'Invalid operator. The allowed operators for status are [equal_to,not_equal_to].';
      const key = /^Invalid attribute key - \[contact_id\]/;
      const opThenKey = await filter('conversations', [cond('status', 'contains', ['open'], 'AND'), cond('contact_id', 'equal_to', ['1'])]);
      expect(opThenKey).toMatchObject({ status: 422, json: { error: operator } });
      const keyThenOp = await filter('conversations', [cond('contact_id', 'equal_to', ['1'], 'AND'), cond('status', 'contains', ['open'])]);
      expect(keyThenOp.status).toBe(422);
      expect(keyThenOp.json.error).toMatch(key);
      expect(await filter('conversations', [cond('inbox_id', 'equal_to', [], 'AND'), cond('contact_id', 'equal_to', ['1'])])).toMatchObject({
        status: 422,
        json: { error: 'Invalid value. The values provided for inbox_id are invalid' },
      });
      const contacts = await filter('contacts', [cond('zzz', 'equal_to', ['1'], 'AND'), cond('identifier', 'contains', ['x'])]);
      expect(contacts.json.error).toMatch(/^Invalid attribute key - \[zzz\]/);
    });

    it('the 3.7.0 500s are 422s here', async () => {
      expect((await filter('conversations', [cond('status', 'eq', ['open'])])).json.error).toBe(
        'Invalid operator. The allowed operators for status are [equal_to,not_equal_to].',
      );
      expect((await filter('contacts', [cond('country_code', 'equal_to', [])])).json.error).toBe(
        'Invalid value. The values provided for country_code are invalid',
      );
      expect((await filter('conversations', [cond('phone_number', 'equal_to', ['+1'])])).json.error).toMatch(/^Invalid attribute key - \[phone_number\]/);
    });

    it('priority values are the enum integers: "2" filters, a name is a Postgres error (500)', async () => {
      expect(await filter('conversations', [cond('priority', 'equal_to', ['2'])])).toMatchObject({ status: 200, json: { meta: { all_count: 0 } } });
      expect(await filter('conversations', [cond('priority', 'equal_to', ['high'])])).toMatchObject(RAILS_500);
    });
  }
});
