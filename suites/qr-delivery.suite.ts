/**
 * Seed symptom: "the QR code never reaches Chatwoot". After `init`, every QR Evolution generates is
 * posted into the bot conversation as an image plus a text (evolution-api-1.7.md §3b); both first look
 * the bot conversation up, which on Chatwoot ≥ 3.8 fails with 422 for Evolution 1.7.4. Needs the simulated
 * WhatsApp (a real Evolution gets QR codes only from WhatsApp's servers).
 */
import { expect } from 'vitest';
import { defineSuite, type ScenarioContext } from '../src/scenario/suite-context.ts';
import {
  bootstrapBotConversation,
  botLookupFailure,
  connectWhatsapp,
  DEADLINES,
  firstFailure,
  messageFailure,
  waitForMessage,
  webhookPathOf,
  type BotConversation,
} from './lib/bot-flow.ts';

defineSuite('qr-delivery', (cell) => {
  const bot = (s: ScenarioContext): Promise<BotConversation & { startedAt: number }> =>
    s.shared('bot', async () => {
      const startedAt = Date.now();
      return { startedAt, ...(await bootstrapBotConversation(s, { label: 'qr', evolution: s.evolution(), chatwoot: s.stack.chatwoot, client: s.chatwoot() })) };
    });

  cell.scenario('qr-image-posted', async (s) => {
    const conversation = await bot(s);
    const chatwoot = s.chatwoot();
    // Evolution starts the connection (and so the QR) when Chatwoot's webhook brings it `init` (evolution-api-1.7.md §3a′).
    const failFast = firstFailure(
      botLookupFailure(s, conversation.inbox.id, conversation.startedAt),
      messageFailure(s, {
        client: chatwoot,
        conversationId: conversation.conversation.id,
        messageId: conversation.init.id,
        what: '`init` (so Evolution never started the connection that makes the QR)',
        marker: webhookPathOf(conversation.instanceName),
        since: conversation.startedAt,
      }),
    );
    const image = await waitForMessage(
      s,
      chatwoot,
      conversation.conversation.id,
      'the QR code image in the bot conversation',
      (message) => message.message_type === 0 && (message.attachments ?? []).some((attachment) => attachment.file_type === 'image'),
      { timeoutMs: DEADLINES.bootstrapMs, failFast },
    );
    const text = await waitForMessage(
      s,
      chatwoot,
      conversation.conversation.id,
      'the QR code text in the bot conversation',
      (message) => message.message_type === 0 && (message.content ?? '').startsWith('⚡️') && (message.attachments ?? []).length === 0,
      { timeoutMs: DEADLINES.botReplyMs, failFast },
    );
    expect(image.attachments?.[0]?.data_url).toMatch(/^https?:\/\//);
    s.note(`QR text: ${JSON.stringify(text.content)}`);
  });

  cell.scenario('connected-message', async (s) => {
    const conversation = await bot(s);
    const scannedAt = Date.now();
    await connectWhatsapp(s, conversation.instanceName, {}, undefined, { conversation, client: s.chatwoot() });
    await waitForMessage(
      s,
      s.chatwoot(),
      conversation.conversation.id,
      'the "connected" bot message after the scan',
      (message) => message.message_type === 0 && (message.content ?? '').startsWith('🚀'),
      { timeoutMs: DEADLINES.botReplyMs, failFast: botLookupFailure(s, conversation.inbox.id, scannedAt) },
    );
  });
});
