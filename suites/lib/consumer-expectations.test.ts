import { describe, expect, it } from 'vitest';
import { botConversationLookup, contactFilterCalls, loadCallSequence, referencedIds, retarget } from './consumer-expectations.ts';

describe('consumer expectations', () => {
  it('takes the recorded bot-conversation lookup of each Evolution version', () => {
    const lookup174 = botConversationLookup(loadCallSequence('1.7.4', 'status-command-3.7-style'));
    expect(lookup174).toMatchObject({ method: 'POST', path: expect.stringMatching(/\/conversations\/filter$/) });
    expect(referencedIds(lookup174).contactId).toBeDefined();
    const lookup175 = botConversationLookup(loadCallSequence('1.7.5', 'status-command-3.7-style'));
    expect(lookup175).toMatchObject({ method: 'GET', path: expect.stringMatching(/\/contacts\/\d+\/conversations$/) });
  });

  it('re-aims a recorded call at another account, inbox and contact', () => {
    const lookup = botConversationLookup(loadCallSequence('1.7.4', 'status-command-3.7-style'));
    const aimed = retarget(lookup, { accountId: 42, inboxId: 5, contactId: 9 });
    expect(aimed.path).toBe('/api/v1/accounts/42/conversations/filter');
    const payload = (aimed.json as { payload: { attribute_key: string; values: string[] }[] }).payload;
    expect(payload.find((c) => c.attribute_key === 'inbox_id')?.values).toEqual(['5']);
    expect(payload.find((c) => c.attribute_key === 'contact_id')?.values).toEqual(['9']);
    expect(payload.find((c) => c.attribute_key === 'status')?.values).toEqual(['open']);
    const get = retarget(botConversationLookup(loadCallSequence('1.7.5', 'status-command-3.7-style')), { accountId: 42, contactId: 9 });
    expect(get.path).toBe('/api/v1/accounts/42/contacts/9/conversations');
  });

  it('finds the contacts/filter calls and refuses a flow that does not exist', () => {
    expect(contactFilterCalls(loadCallSequence('1.7.5', 'inbound-text')).length).toBeGreaterThan(0);
    expect(() => loadCallSequence('1.7.5', 'no-such-flow')).toThrow(/no consumer expectation 1.7.5\/no-such-flow/);
  });
});
