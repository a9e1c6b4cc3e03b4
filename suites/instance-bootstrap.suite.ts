/**
 * Seed symptom: "the inbox is created, but no response to init and no QR code". Creating an instance
 * with Chatwoot enabled answers 201 at once and then, in the background, creates the inbox, the bot
 * contact +123456, a conversation with it and the `init` message (evolution-api-1.7.md §3a). This flow
 * never calls conversations/filter, so it works in every cell of the known-answer grid.
 */
import { expect } from 'vitest';
import { BOT_CONTACT_PHONE } from '../src/model/bot-contact.ts';
import { defineSuite, type ScenarioContext } from '../src/scenario/suite-context.ts';
import { createBotInstance, ensureBotContact, waitForConversationWith, waitForInbox, waitForMessage, DEADLINES } from './lib/bot-flow.ts';

defineSuite('instance-bootstrap', (cell) => {
  const created = (s: ScenarioContext) =>
    s.shared('instance', () => createBotInstance(s, { label: 'boot', evolution: s.evolution(), chatwoot: s.stack.chatwoot, client: s.chatwoot() }));
  const inbox = (s: ScenarioContext) => s.shared('inbox', async () => waitForInbox(s, s.chatwoot(), (await created(s)).instanceName));
  const conversation = (s: ScenarioContext) =>
    s.shared('conversation', async () => {
      const botContact = await ensureBotContact(s, s.chatwoot());
      return waitForConversationWith(s, s.chatwoot(), botContact.id, (await inbox(s)).id);
    });

  cell.scenario('create-returns-201', async (s) => {
    const { create } = await created(s);
    expect(create.status, `POST /instance/create: ${s.redactor.text(create.text).slice(0, 300)}`).toBe(201);
    expect(create.json).toMatchObject({ instance: { status: s.evolution().profile.createdInstanceStatus }, chatwoot: { enabled: true } });
  });

  cell.scenario('inbox-created', async (s) => {
    const { instanceName } = await created(s);
    const found = await inbox(s);
    expect(found.channel_type).toBe('Channel::Api');
    expect(found.webhook_url).toBe(`${s.stack.evolution.serverUrl}/chatwoot/webhook/${encodeURIComponent(instanceName)}`);
  });

  cell.scenario('bot-contact-and-conversation', async (s) => {
    const botContact = await ensureBotContact(s, s.chatwoot());
    expect(botContact.phone_number).toBe(`+${BOT_CONTACT_PHONE}`);
    const found = await conversation(s);
    expect(found.inbox_id).toBe((await inbox(s)).id);
    expect(found.meta?.sender?.id ?? botContact.id).toBe(botContact.id);
  });

  cell.scenario('init-message', async (s) => {
    const found = await conversation(s);
    const init = await waitForMessage(s, s.chatwoot(), found.id, '`init` in the bot conversation', (message) => (message.content ?? '').startsWith('init'), {
      timeoutMs: DEADLINES.bootstrapMs,
    });
    expect(init.message_type, 'init is posted as an outgoing message').toBe(1);
    const path = `/conversations/${found.id}/messages`;
    const posted = (await s.exchanges({ link: 'evolution->chatwoot', since: 0, contains: path })).find(
      (exchange) => exchange.request.method === 'POST' && exchange.request.url.endsWith(path) && /\binit\b/.test(exchange.request.body),
    );
    if (posted) s.decisive({ kind: 'exchange', exchangeId: posted.id });
  });
});
