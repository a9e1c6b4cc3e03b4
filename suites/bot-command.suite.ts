/**
 * Seed symptom: "the inbox is created, but no response to init and no QR code" (Evolution 1.7.4 with
 * Chatwoot 3.8/3.9). The WhatsApp-free repro (evolution-api-1.7.md §3e): an agent sends `status` in the
 * bot conversation; Evolution must find that conversation to answer, and 1.7.4 does so with the
 * `contact_id` conversation filter that Chatwoot ≥ 3.8 rejects with 422.
 */
import { MESSAGE_TYPE } from '../src/clients/chatwoot-client.ts';
import { defineSuite } from '../src/scenario/suite-context.ts';
import { bootstrapBotConversation, botLookupFailure, DEADLINES, isStatusReply, waitForMessage } from './lib/bot-flow.ts';

defineSuite('bot-command', (cell) => {
  cell.scenario('status-round-trip', async (s) => {
    const chatwoot = s.chatwoot();
    const bot = await bootstrapBotConversation(s, { label: 'cmd', evolution: s.evolution(), chatwoot: s.stack.chatwoot, client: chatwoot });

    const sentAt = Date.now();
    const command = await chatwoot.createMessage(bot.conversation.id, { content: 'status', messageType: 'outgoing' });
    const reply = await waitForMessage(
      s,
      chatwoot,
      bot.conversation.id,
      `the bot's status reply in conversation ${bot.conversation.id}`,
      (message) => message.id > command.id && isStatusReply(message, bot.inbox.name),
      { timeoutMs: DEADLINES.botReplyMs, failFast: botLookupFailure(s, bot.inbox.id, sentAt) },
    );
    const path = `/conversations/${bot.conversation.id}/messages`;
    const posted = (await s.exchanges({ link: 'evolution->chatwoot', since: sentAt, contains: path })).find(
      (exchange) =>
        exchange.request.method === 'POST' &&
        exchange.request.url.endsWith(path) &&
        exchange.response?.status === 200 &&
        exchange.request.body.includes(bot.inbox.name),
    );
    if (posted) s.decisive({ kind: 'exchange', exchangeId: posted.id });
    s.note(`reply ${reply.message_type === MESSAGE_TYPE.incoming ? 'incoming' : reply.message_type}: ${reply.content}`);
  });
});
