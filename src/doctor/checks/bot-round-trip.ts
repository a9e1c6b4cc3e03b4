import { z } from 'zod';
import { DeadlineError, waitFor } from '../../common/wait-for.ts';
import { displayValue } from '../../errors/index.ts';
import type { Exchange } from '../../model/result-schema.ts';
import { brief } from '../chatwoot-answers.ts';
import type { DoctorCheck } from '../doctor-check.ts';
import { skippedBecause } from '../fact.ts';
import { ruleRemedy } from '../reuse-diagnosis.ts';
import { reached } from '../doctor-facts.ts';

const Message = z.object({
  id: z.number(),
  content: z.string().nullable().optional(),
  message_type: z.number(),
  status: z.string().optional(),
  content_attributes: z.record(z.string(), z.unknown()).nullable().optional(),
});
const MessageList = z.object({ payload: z.array(Message) });
const INCOMING = 0;
/** The bot's answer to `status` in Evolution's languages (en, pt-BR, es): "⚠️ <inbox> instance status: *close*." */
const STATUS_REPLY = /instance status|Status da instância|Estado de la instancia/i;

/**
 * The bot command round trip of the bot-command suite, against the live deployment (writes one
 * message): an agent's outgoing `status` in the bot conversation → Chatwoot's webhook → Evolution
 * looks up the bot conversation and posts "instance status" back (evolution-api-1.7.md §3e).
 */
export const botRoundTripCheck: DoctorCheck = {
  id: 'bot-status-round-trip',
  section: 'writes',
  title: 'Bot `status` round trip in the bot conversation',
  seedSymptom: 'No QR code / no bot response',
  needsWrites: true,
  async run(ctx) {
    const bot = await ctx.facts.botConversation();
    if (!bot.ok) return skippedBecause(bot);
    if (bot.value.displayId === undefined) return { status: 'skip', summary: 'no open bot conversation to send `status` in', evidence: [] };
    const headers = await ctx.facts.chatwootHeaders();
    if (!headers.ok) return skippedBecause(headers);
    const messagesUrl = ctx.facts.accountPath(`/conversations/${bot.value.displayId}/messages`);
    const exchanges: Exchange[] = [];

    const posted = await ctx.facts.reach('writes/bot-status-round-trip', 'Chatwoot', {
      link: 'harness->chatwoot',
      method: 'POST',
      url: messagesUrl,
      headers: headers.value,
      json: { content: 'status', message_type: 'outgoing', private: false },
    });
    if (!reached(posted)) return { status: 'error', summary: posted.summary, evidence: [], exchanges: posted.exchanges };
    exchanges.push(posted.exchange);
    const mine = Message.safeParse(posted.json);
    if (posted.status !== 200 || !mine.success) {
      return { status: 'fail', summary: `posting \`status\` failed: ${brief(posted, 120)}`, evidence: [], exchanges };
    }
    const sentAt = ctx.now();
    let last: z.infer<typeof MessageList> | undefined;
    let lastExchange: Exchange | undefined;
    try {
      const reply = await waitFor(
        async () => {
          const listed = await ctx.client.send({ link: 'harness->chatwoot', method: 'GET', url: messagesUrl, headers: headers.value });
          lastExchange = listed.exchange;
          const parsed = MessageList.safeParse(listed.json);
          if (!parsed.success) return undefined;
          last = parsed.data;
          const ours = parsed.data.payload.find((message) => message.id === mine.data.id);
          if (ours?.status === 'failed') return { failed: ours };
          const answer = parsed.data.payload.find(
            (message) => message.id > mine.data.id && message.message_type === INCOMING && STATUS_REPLY.test(message.content ?? ''),
          );
          return answer ? { answer } : undefined;
        },
        { timeoutMs: ctx.roundTripTimeoutMs, intervalMs: 250, description: 'the bot reply to `status`', now: () => ctx.now() },
      );
      if (lastExchange) exchanges.push(lastExchange);
      if ('failed' in reply && reply.failed) {
        const external = (reply.failed.content_attributes as { external_error?: unknown } | null | undefined)?.external_error;
        const error = external === undefined || external === null ? 'unknown error' : typeof external === 'string' ? external : displayValue(external);
        const rule = /404/.test(error)
          ? ruleRemedy('webhook-double-slash')
          : /TCP|connect/i.test(error)
            ? ruleRemedy('server-url-unreachable')
            : /Timed out/i.test(error)
              ? ruleRemedy('webhook-timeout-slow-storage')
              : undefined;
        return {
          status: 'fail',
          summary: `Chatwoot marked \`status\` failed: "${error}" — its webhook did not reach Evolution`,
          evidence: [`message #${mine.data.id} status failed, external_error: ${error}`],
          remedy: rule?.remedy ?? 'Check the inbox webhook URL and that Chatwoot can reach Evolution.',
          ...(rule ? { references: rule.references, rule: rule.rule } : {}),
          exchanges,
        };
      }
      const answer = 'answer' in reply ? reply.answer : undefined;
      return {
        status: 'pass',
        summary: `the bot answered in ${ctx.now() - sentAt} ms: "${(answer?.content ?? '').slice(0, 80)}"`,
        evidence: [`posted \`status\` as message #${mine.data.id}`, `reply #${answer?.id}: ${answer?.content ?? ''}`],
        exchanges,
      };
    } catch (error) {
      if (!(error instanceof DeadlineError)) throw error;
      if (lastExchange) exchanges.push(lastExchange);
      const root = await ctx.facts.evolutionRoot();
      const profile = root.ok ? root.value.profile : undefined;
      const contactId = profile?.sendsContactIdFilter === false ? undefined : ruleRemedy('chatwoot-rejects-contact-id');
      const cause = profile?.redisCache
        ? `If it says \`redis disconnected\`, that is the cause: CACHE_REDIS_ENABLED=true (the image's default) without a reachable Redis makes every Chatwoot operation hang; run a Redis at CACHE_REDIS_URI or set CACHE_REDIS_ENABLED=false (evolution-api-2.x.md §1.3).`
        : profile?.sendsContactIdFilter === false
          ? ''
          : `If the contact_id filter check failed, that is the cause: ${contactId?.remedy ?? 'upgrade Evolution to 1.7.5'}.`;
      return {
        status: 'fail',
        summary: `no bot reply within ${ctx.roundTripTimeoutMs} ms after \`status\` (${last?.payload.length ?? 0} messages in the conversation); Chatwoot delivered the webhook without error`,
        evidence: [
          `posted \`status\` as message #${mine.data.id}; it was not marked failed`,
          'so Chatwoot delivered the webhook and Evolution posted nothing back: Evolution failed a Chatwoot call of its own (its log says ERROR [ChatwootService])',
        ],
        remedy: `Look at Evolution’s log for ERROR [ChatwootService].${cause ? ` ${cause}` : ''}`,
        ...(contactId ? { references: contactId.references } : {}),
        exchanges,
      };
    }
  },
};
