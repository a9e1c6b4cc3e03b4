import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatwootVersion } from '../../model/axes.ts';
import { call, createContact, createConversation, createInbox, signup, startTestTwin, type Account, type TestTwin } from './test-support/chatwoot-test-kit.ts';

/** chatwoot-3.10-4.x.md §1.4 and §3, per profile. */
const SHEET: Record<string, { order: 'id-desc' | 'last-activity-desc'; resolvedOnly: boolean; searchMeta: 'total' | 'page-with-has-more' }> = {
  '3.16.0': { order: 'id-desc', resolvedOnly: false, searchMeta: 'total' },
  '4.0.4': { order: 'last-activity-desc', resolvedOnly: false, searchMeta: 'total' },
  '4.12.1': { order: 'last-activity-desc', resolvedOnly: true, searchMeta: 'page-with-has-more' },
  '4.15.1': { order: 'last-activity-desc', resolvedOnly: true, searchMeta: 'page-with-has-more' },
};

describe.each(Object.keys(SHEET) as ChatwootVersion[])('contacts on %s (chatwoot-3.10-4.x.md §1.4, §3)', (version) => {
  const sheet = SHEET[version]!;
  let t: TestTwin;
  let account: Account;
  let inboxId: number;
  const path = (suffix: string) => `/api/v1/accounts/${account.accountId}${suffix}`;
  beforeAll(async () => {
    t = await startTestTwin(version);
    account = await signup(t.url);
    inboxId = (await createInbox(t.url, account, 'evolution')).id;
  });
  afterAll(() => t.twin.close());

  it(`GET contacts/{id}/conversations: ${sheet.order}`, async () => {
    const contact = await createContact(t.url, account, { inbox_id: inboxId, name: 'Order', phone_number: '+5511922222222' });
    const older = await createConversation(t.url, account, { contact_id: contact.id, inbox_id: inboxId });
    const newer = await createConversation(t.url, account, { contact_id: contact.id, inbox_id: inboxId });
    // A message makes the older conversation the most recently active one.
    const posted = await call(t.url, 'POST', path(`/conversations/${older.id}/messages`), {
      token: account.token,
      json: { content: 'bump', message_type: 'incoming' },
    });
    expect(posted.status).toBe(200);
    const listed = await call(t.url, 'GET', path(`/contacts/${contact.id}/conversations`), { token: account.token });
    const ids = (listed.json.payload as { id: number }[]).map((c) => c.id);
    expect(ids).toEqual(sheet.order === 'id-desc' ? [newer.id, older.id] : [older.id, newer.id]);
  });

  it(`contacts/filter: ${sheet.resolvedOnly ? 'resolved contacts only, a sent "+" stripped (4.7.0+)' : 'every contact; a sent "+" doubles'}`, async () => {
    await createContact(t.url, account, { name: 'Nameless Lead' });
    await createContact(t.url, account, { name: 'Plus', phone_number: '+5511933333333' });
    const byName = await call(t.url, 'POST', path('/contacts/filter'), {
      token: account.token,
      json: { payload: [{ attribute_key: 'name', filter_operator: 'equal_to', values: ['nameless lead'], query_operator: null }] },
    });
    expect(byName.json.payload.length).toBe(sheet.resolvedOnly ? 0 : 1);
    const withPlus = await call(t.url, 'POST', path('/contacts/filter'), {
      token: account.token,
      json: { payload: [{ attribute_key: 'phone_number', filter_operator: 'equal_to', values: ['+5511933333333'], query_operator: null }] },
    });
    expect(withPlus.json.payload.length).toBe(sheet.resolvedOnly ? 1 : 0);
  });

  it(`contacts/search meta: ${sheet.searchMeta}`, async () => {
    for (let i = 0; i < 16; i++) await createContact(t.url, account, { name: `Searchable ${i}`, email: `s${i}-${version}@example.test` });
    const answer = await call(t.url, 'GET', path('/contacts/search?q=searchable'), { token: account.token });
    expect(answer.json.payload).toHaveLength(15);
    if (sheet.searchMeta === 'total') expect(answer.json.meta).toEqual({ count: 16, current_page: 1 });
    else expect(answer.json.meta).toEqual({ count: 15, current_page: 1, has_more: true });
  });
});
