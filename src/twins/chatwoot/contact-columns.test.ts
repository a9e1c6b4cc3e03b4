import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createContact, createInbox, signup, startTestTwin, VERSIONS, type Account, type TestTwin } from './test-support/chatwoot-test-kit.ts';

/** contacts_controller_spec, contacts/create.json.jbuilder, application_record.rb; measured on 3.7.0–3.9.0 (§M). */
describe.each(VERSIONS)('contacts on %s', (version) => {
  let t: TestTwin;
  let account: Account;
  const path = (suffix = '') => `/api/v1/accounts/${account.accountId}/contacts${suffix}`;
  const create = (json: Record<string, unknown>) => call(t.url, 'POST', path(), { token: account.token, json });
  beforeAll(async () => {
    t = await startTestTwin(version);
    account = await signup(t.url);
  });
  afterAll(() => t.twin.close());

  it('create without inbox_id: contact_inbox is {inbox:null,source_id:null}, contact_inboxes [] and no last_activity_at', async () => {
    const answer = await create({ name: 'No Inbox', phone_number: '+5511949199152' });
    expect(answer.status).toBe(200);
    expect(answer.json.payload.contact_inbox).toEqual({ inbox: null, source_id: null });
    expect(answer.json.payload.contact.contact_inboxes).toEqual([]);
    expect(answer.json.payload.contact).not.toHaveProperty('last_activity_at');
    const inbox = await createInbox(t.url, account, 'evolution');
    const withInbox = await create({ name: 'With Inbox', inbox_id: inbox.id });
    expect(withInbox.json.payload.contact_inbox).toEqual({
      inbox: expect.objectContaining({ id: inbox.id, account_id: account.accountId }),
      source_id: expect.any(String),
    });
  });

  it('every string column is limited to 255 characters (counted as Ruby does), before the model validations', async () => {
    const long = 'n'.repeat(256);
    expect(await create({ name: long })).toMatchObject({
      status: 422,
      json: { message: 'Name is too long (maximum is 255 characters)', attributes: ['name'] },
    });
    expect((await create({ name: 'n'.repeat(255) })).status).toBe(200);
    expect(await create({ name: 'e', email: `${'e'.repeat(244)}@example.test` })).toMatchObject({
      status: 422,
      json: { message: 'Email is too long (maximum is 255 characters)', attributes: ['email'] },
    });
    expect(await create({ name: 'p', phone_number: `+5${'1'.repeat(255)}` })).toMatchObject({
      status: 422,
      json: { message: 'Phone number is too long (maximum is 255 characters), Phone number should be in e164 format', attributes: ['phone_number'] },
    });
    expect(await create({ name: long, identifier: 'i'.repeat(256) })).toMatchObject({
      status: 422,
      json: { message: 'Name is too long (maximum is 255 characters), Identifier is too long (maximum is 255 characters)', attributes: ['name', 'identifier'] },
    });
    // 200 emoji are 200 characters for Ruby (400 UTF-16 units for JavaScript).
    expect((await create({ name: '😀'.repeat(200) })).status).toBe(200);
    const contact = await createContact(t.url, account, { name: 'Short' });
    expect(await call(t.url, 'PUT', path(`/${contact.id}`), { token: account.token, json: { name: long } })).toMatchObject({
      status: 422,
      json: { attributes: ['name'] },
    });
  });

  it('PUT/PATCH replace additional_attributes on 3.x and merge custom_attributes; absent keeps them', async () => {
    const contact = await createContact(t.url, account, { name: 'Attr', additional_attributes: { a: 1, b: 2 }, custom_attributes: { x: 1, y: 2 } });
    const put = await call(t.url, 'PUT', path(`/${contact.id}`), {
      token: account.token,
      json: { additional_attributes: { c: 3 }, custom_attributes: { z: 3 } },
    });
    expect(put.json.payload).toMatchObject({ additional_attributes: { c: 3 }, custom_attributes: { x: 1, y: 2, z: 3 } });
    expect(put.json.payload.additional_attributes).toEqual({ c: 3 });
    const rename = await call(t.url, 'PUT', path(`/${contact.id}`), { token: account.token, json: { name: 'Attr2' } });
    expect(rename.json.payload.additional_attributes).toEqual({ c: 3 });
    const patch = await call(t.url, 'PATCH', path(`/${contact.id}`), { token: account.token, json: { additional_attributes: { d: 4 } } });
    expect(patch.json.payload.additional_attributes).toEqual({ d: 4 });
  });
});
