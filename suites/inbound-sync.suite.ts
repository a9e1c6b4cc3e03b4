/**
 * Seed symptom: message sync, the guide's "full function" check. An inbound WhatsApp message becomes an
 * incoming Chatwoot message in the instance's inbox (evolution-api-1.7.md §3c). This path never uses
 * conversations/filter, so it works in every cell of the known-answer grid, the failing ones included.
 */
import { expect } from 'vitest';
import type { ChatwootMessage } from '../src/clients/chatwoot-schemas.ts';
import { defineSuite, type ScenarioContext } from '../src/scenario/suite-context.ts';
import { fetchFollowing, fixtureImage } from './lib/attachments.ts';
import { bootstrapBotConversation, connectWhatsapp, DEADLINES, waitForConversationWith, waitForMessage } from './lib/bot-flow.ts';
import { phoneFor } from './lib/phones.ts';

defineSuite('inbound-sync', (cell) => {
  const connected = (s: ScenarioContext) =>
    s.shared('connected', async () => {
      const bot = await bootstrapBotConversation(s, { label: 'in', evolution: s.evolution(), chatwoot: s.stack.chatwoot, client: s.chatwoot() });
      await connectWhatsapp(s, bot.instanceName, {}, undefined, { conversation: bot, client: s.chatwoot() });
      return bot;
    });

  /** Sends one inbound message from `phone` and waits for it to appear in Chatwoot. */
  const receive = async (
    s: ScenarioContext,
    phone: string,
    message: Parameters<ReturnType<ScenarioContext['whatsapp']>['inbound']>[1],
    match: (m: ChatwootMessage) => boolean,
  ) => {
    const bot = await connected(s);
    const chatwoot = s.chatwoot();
    const sent = await s.whatsapp().inbound(bot.instanceName, message);
    const contact = await s.waitFor(`contact +${phone} in Chatwoot`, () => chatwoot.findContactByPhone(phone), { timeoutMs: DEADLINES.bootstrapMs });
    const conversation = await waitForConversationWith(s, chatwoot, contact.id, bot.inbox.id);
    const received = await waitForMessage(s, chatwoot, conversation.id, `the inbound message ${sent.id} in conversation ${conversation.id}`, match, {
      timeoutMs: DEADLINES.botReplyMs,
    });
    return { sent, received };
  };

  cell.scenario('text-message', async (s) => {
    const phone = phoneFor(s.stack.cellId, 'inbound-text');
    const text = `evochat inbound ${s.stack.cellId} ${Date.now()}`;
    const { sent, received } = await receive(s, phone, { from: phone, pushName: 'Inbound Tester', text }, (m) => m.content === text);
    expect(received.message_type, 'an incoming message').toBe(0);
    expect(received.source_id).toBe(`WAID:${sent.id}`);
  });

  cell.scenario('media-message', async (s) => {
    const phone = phoneFor(s.stack.cellId, 'inbound-media');
    const image = fixtureImage();
    const { received } = await receive(
      s,
      phone,
      {
        from: phone,
        pushName: 'Media Tester',
        media: { base64: Buffer.from(image.data).toString('base64'), mimetype: image.contentType, fileName: image.name },
      },
      (m) => (m.attachments ?? []).length > 0,
    );
    const attachment = received.attachments![0]!;
    expect(attachment.file_type).toBe('image');
    const fetched = await fetchFollowing(attachment.data_url, { cell: s.stack.cellId, id: s.scenarioId });
    expect(fetched.status, `GET data_url ${attachment.data_url}: hops ${JSON.stringify(fetched.hops.map((h) => h.status))}`).toBe(200);
    expect(fetched.sha256, 'the stored image has the bytes sent from WhatsApp').toBe(image.sha256);
  });
});
