/**
 * Seed symptom: 422 "Chave de atributo inválido - [contact_id]" when filtering conversations. Chatwoot
 * 3.8.0 validates filter keys and dropped contact_id (PR #8239; chatwoot-3.7-3.9.md §1.3); Evolution ≤ 1.7.4
 * finds the bot conversation with exactly that filter, 1.7.5 with GET contacts/{id}/conversations
 * (evolution-api-1.7.md §0). The requests replayed here are the recorded ones of this Evolution version
 * (fixtures/call-sequences), aimed at this cell's account: the contract, without Evolution in the loop.
 */
import { expect } from 'vitest';
import type { ChatwootClient } from '../src/clients/chatwoot-client.ts';
import { defineSuite, type ScenarioContext } from '../src/scenario/suite-context.ts';
import { botConversationLookup, contactFilterCalls, loadCallSequence, retarget } from './lib/consumer-expectations.ts';
import { phoneFor } from './lib/phones.ts';

/** Sets up what the lookup must find: an API inbox (no webhook), a contact and an open conversation between them. */
async function lookupTarget(s: ScenarioContext, client: ChatwootClient, label: string) {
  if (!s.has('writes')) s.skip('needs writes: the lookup needs a conversation of a known contact in a known inbox');
  const inbox = await client.createInbox(s.instanceName(label));
  const contact = await client.createContact({ inboxId: inbox.id, name: `evochat ${label}`, phoneNumber: `+${phoneFor(s.stack.cellId, label)}` });
  const conversation = await client.createConversation({ inboxId: inbox.id, contactId: contact.id });
  return { inbox, contact, conversation };
}

async function checkBotLookup(s: ScenarioContext, client: ChatwootClient, label: string): Promise<void> {
  const sequence = loadCallSequence(s.stack.evolutionVersion, 'status-command-3.7-style');
  const target = await lookupTarget(s, client, label);
  const call = retarget(botConversationLookup(sequence), { accountId: client.accountId, inboxId: target.inbox.id, contactId: target.contact.id });
  const sentAt = Date.now();
  const response = await client.raw({ method: call.method as 'GET' | 'POST', path: call.path, ...(call.json === undefined ? {} : { json: call.json }) });
  const exchange = (await s.exchanges({ link: 'harness->chatwoot', since: sentAt })).find(
    (e) => e.request.url === call.path && e.request.method === call.method,
  );
  if (exchange) s.decisive({ kind: 'exchange', exchangeId: exchange.id });
  s.note(`Evolution ${s.stack.evolutionVersion} looks the bot conversation up with ${call.method} ${call.path}`);
  if (response.status !== 200)
    s.fail(`${call.method} ${call.path} (as Evolution ${s.stack.evolutionVersion} sends it) answered ${response.status}: ${response.text.slice(0, 600)}`);
  const payload = (response.json as { payload?: { id: number; inbox_id: number; status: string }[] } | undefined)?.payload ?? [];
  const found = payload.find((conversation) => conversation.inbox_id === target.inbox.id && conversation.status === 'open');
  expect(found?.id, `the open conversation ${target.conversation.id} of inbox ${target.inbox.id} in the answer`).toBe(target.conversation.id);
}

defineSuite('filter-contract', (cell) => {
  cell.scenario('contact-lookup', async (s) => {
    const client = s.chatwoot();
    const calls = [
      ...contactFilterCalls(loadCallSequence(s.stack.evolutionVersion, 'status-command-3.7-style')),
      ...contactFilterCalls(loadCallSequence(s.stack.evolutionVersion, 'inbound-text')),
    ];
    expect(calls.length, 'recorded contacts/filter calls').toBeGreaterThan(0);
    for (const recorded of calls) {
      const call = retarget(recorded, { accountId: client.accountId });
      const response = await client.raw({ method: 'POST', path: call.path, json: call.json });
      if (response.status !== 200) s.fail(`POST ${call.path} with ${JSON.stringify(call.json)} answered ${response.status}: ${response.text.slice(0, 400)}`);
      expect(response.json, 'a contacts/filter answer').toHaveProperty('payload');
    }
    s.note(`${calls.length} recorded contacts/filter request(s) accepted`);
  });

  cell.scenario('bot-conversation-lookup', async (s) => {
    await checkBotLookup(s, s.chatwoot('en'), 'lookup-en');
  });

  cell.scenario('bot-conversation-lookup-pt-br', async (s) => {
    await checkBotLookup(s, s.chatwoot('pt_BR'), 'lookup-pt');
  });
});
