/**
 * Seed symptom: full function, replies from Chatwoot reaching WhatsApp. Chatwoot posts the agent's
 * outgoing message to the inbox webhook; Evolution sends it to WhatsApp and only then answers the webhook
 * (evolution-api-1.7.md §2.6, §3d). A failed delivery marks the message failed in Chatwoot (PR #8277).
 */
import { expect } from 'vitest';
import { defineSuite } from '../src/scenario/suite-context.ts';
import {
  bootstrapBotConversation,
  connectWhatsapp,
  DEADLINES,
  messageFailure,
  waitForConversationWith,
  waitForMessage,
  webhookPathOf,
} from './lib/bot-flow.ts';
import { phoneFor } from './lib/phones.ts';

defineSuite(
  'agent-reply',
  (cell) => {
    cell.scenario('text-reaches-whatsapp', async (s) => {
      const chatwoot = s.chatwoot();
      const bot = await bootstrapBotConversation(s, { label: 'reply', evolution: s.evolution(), chatwoot: s.stack.chatwoot, client: chatwoot });
      await connectWhatsapp(s, bot.instanceName, {}, undefined, { conversation: bot, client: chatwoot });

      // The customer writes first, as in real life: that creates the contact and conversation, and makes the number known to WhatsApp.
      const phone = phoneFor(s.stack.cellId, 'agent-reply');
      const hello = `hello from ${phone} ${Date.now()}`;
      await s.whatsapp().inbound(bot.instanceName, { from: phone, pushName: 'Reply Tester', text: hello });
      const contact = await s.waitFor(`contact +${phone}`, () => chatwoot.findContactByPhone(phone), { timeoutMs: DEADLINES.bootstrapMs });
      const conversation = await waitForConversationWith(s, chatwoot, contact.id, bot.inbox.id);
      await waitForMessage(s, chatwoot, conversation.id, 'the customer message', (m) => m.content === hello);

      const replyText = `agent reply ${Date.now()}`;
      const repliedAt = Date.now();
      const reply = await chatwoot.createMessage(conversation.id, { content: replyText, messageType: 'outgoing' });
      const delivered = await s.waitFor(
        `the reply on the simulated WhatsApp (to ${phone})`,
        async () => (await s.whatsapp().sent(bot.instanceName)).find((sent) => sent.to === phone && (sent.text ?? '').includes(replyText)),
        {
          timeoutMs: DEADLINES.webhookOutcomeMs,
          failFast: messageFailure(s, {
            client: chatwoot,
            conversationId: conversation.id,
            messageId: reply.id,
            what: 'the reply',
            marker: webhookPathOf(bot.instanceName),
            since: repliedAt,
          }),
        },
      );
      expect(delivered.kind).toBe('text');

      // Chatwoot learns the outcome when Evolution answers its webhook; only then is "not failed" meaningful.
      const webhook = await s.waitFor(
        'Chatwoot’s webhook for the reply to complete',
        async () => {
          if (!s.has('evidence')) return true;
          return (await s.exchanges({ link: 'chatwoot->evolution', since: repliedAt, contains: replyText })).find(
            (exchange) => exchange.response !== null || exchange.error !== undefined,
          );
        },
        { timeoutMs: DEADLINES.webhookOutcomeMs },
      );
      if (webhook !== true) s.decisive({ kind: 'exchange', exchangeId: webhook.id });
      const final = (await chatwoot.messages(conversation.id)).find((m) => m.id === reply.id);
      expect(final?.status, `reply status (external_error ${JSON.stringify(final?.content_attributes?.external_error ?? null)})`).not.toBe('failed');
    });
  },
  { cellsAtOnce: 'waiting' },
);
