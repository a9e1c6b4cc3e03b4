import type { DoctorCheck } from '../doctor-check.ts';
import { BOT_CONTACT_PHONE } from '../../model/bot-contact.ts';
import { outcomeOfFailure, skippedBecause } from '../fact.ts';

/** The bot contact (+123456) and its open conversation in the inbox: where QR codes and bot replies go. */
export const botConversationCheck: DoctorCheck = {
  id: 'bot-conversation',
  section: 'instance',
  title: `Bot contact +${BOT_CONTACT_PHONE} and its open conversation`,
  seedSymptom: 'Inbox created, but no response to init and no QR code',
  async run(ctx) {
    const bot = await ctx.facts.botConversation();
    if (!bot.ok) return bot.owner === 'instance/bot-conversation' ? outcomeOfFailure(bot) : skippedBecause(bot);
    const { contactId, displayId, inboxId } = bot.value;
    if (displayId === undefined) {
      return {
        status: 'warn',
        summary: `bot contact #${contactId} has no open conversation in inbox #${inboxId}: bot messages (QR code, status) have nowhere to go`,
        evidence: [`GET contacts/${contactId}/conversations: no open conversation in inbox #${inboxId}`],
        remedy: `Reopen the conversation with the bot contact (+${BOT_CONTACT_PHONE}), or send \`init\` from it; check automations that resolve it.`,
        references: ['evolution#2580'],
        exchanges: bot.exchanges,
      };
    }
    return {
      status: 'pass',
      summary: `bot contact #${contactId}, open conversation #${displayId}`,
      evidence: [`POST contacts/filter phone_number=${BOT_CONTACT_PHONE} → contact #${contactId}`, `open conversation #${displayId} in inbox #${inboxId}`],
      exchanges: bot.exchanges,
    };
  },
};
