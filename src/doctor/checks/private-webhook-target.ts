import { z } from 'zod';
import { chatwootProfile, SAFE_FETCH_OPT_OUT_ENV } from '../../model/chatwoot-profiles.ts';
import type { Exchange } from '../../model/result-schema.ts';
import type { DoctorCheck } from '../doctor-check.ts';
import { reached } from '../doctor-facts.ts';
import { outcomeOfFailure, skippedBecause } from '../fact.ts';
import { ruleRemedy } from '../reuse-diagnosis.ts';

/** How many of the inbox's most recent conversations are read for refused messages. */
const CONVERSATIONS_READ = 5;
const REFUSAL = /Hostname '[^']*' has no public ip addresses/;

const ConversationList = z.object({ data: z.object({ payload: z.array(z.object({ id: z.number() })) }) });
const MessageList = z.object({
  payload: z.array(
    z.object({ id: z.number(), status: z.string().nullable().optional(), content_attributes: z.record(z.string(), z.unknown()).nullable().optional() }),
  ),
});

/**
 * Chatwoot ≥ 4.14.0 refuses webhooks to private, loopback and link-local addresses (SafeFetch; 4.14.0 always, 4.14.1+
 * unless SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true; chatwoot-3.10-4.x.md §4.2, §4.3): where Evolution has such an address
 * every agent reply and bot command is marked failed "Hostname '…' has no public ip addresses". Read-only: the
 * inbox's recent conversations and their messages' `external_error` (Chatwoot's own env cannot be read from outside).
 */
export const privateWebhookTargetCheck: DoctorCheck = {
  id: 'private-webhook-target',
  section: 'instance',
  title: 'Chatwoot ≥ 4.14 refusing webhooks to a private address',
  seedSymptom: 'Full function: replies from Chatwoot reaching WhatsApp (4.14 breaks them on private networks)',
  async run(ctx) {
    const api = await ctx.facts.chatwootApi();
    if (!api.ok) return skippedBecause(api);
    const version = api.value.known;
    if (!version) return { status: 'skip', summary: `no profile for Chatwoot ${api.value.version}`, evidence: [] };
    const profile = chatwootProfile(version);
    if (profile.privateWebhookTargets === 'delivered') {
      return { status: 'pass', summary: `Chatwoot ${version} delivers webhooks to private addresses (the refusal starts at 4.14.0)`, evidence: [] };
    }
    const inbox = await ctx.facts.instanceInbox();
    if (!inbox.ok) return skippedBecause(inbox);
    const headers = await ctx.facts.chatwootHeaders();
    if (!headers.ok) return skippedBecause(headers);
    const owner = 'instance/private-webhook-target';
    const exchanges: Exchange[] = [];
    const list = await ctx.facts.reach(owner, 'Chatwoot', {
      link: 'harness->chatwoot',
      method: 'GET',
      url: ctx.facts.accountPath(`/conversations?inbox_id=${inbox.value.id}&status=all`),
      headers: headers.value,
    });
    if (!reached(list)) return outcomeOfFailure(list);
    exchanges.push(list.exchange);
    const conversations = ConversationList.safeParse(list.json);
    if (list.status !== 200 || !conversations.success) {
      return { status: 'error', summary: `GET conversations?inbox_id=${inbox.value.id} answered ${list.status}`, evidence: [], exchanges };
    }
    let refused: { conversation: number; message: number; error: string } | undefined;
    for (const conversation of conversations.data.data.payload.slice(0, CONVERSATIONS_READ)) {
      const messages = await ctx.facts.reach(owner, 'Chatwoot', {
        link: 'harness->chatwoot',
        method: 'GET',
        url: ctx.facts.accountPath(`/conversations/${conversation.id}/messages`),
        headers: headers.value,
      });
      if (!reached(messages)) return outcomeOfFailure(messages);
      const parsed = MessageList.safeParse(messages.json);
      if (messages.status !== 200 || !parsed.success) continue;
      const failed = parsed.data.payload
        .filter((message) => message.status === 'failed')
        .map((message) => ({ message, error: message.content_attributes?.external_error }))
        .find((entry) => typeof entry.error === 'string' && REFUSAL.test(entry.error));
      if (failed) {
        exchanges.unshift(messages.exchange);
        refused = { conversation: conversation.id, message: failed.message.id, error: failed.error as string };
        break;
      }
      exchanges.push(messages.exchange);
    }
    const target = inbox.value.webhook_url ?? '(no webhook URL)';
    const evidence = [`Chatwoot ${version}, inbox #${inbox.value.id} webhook_url ${target}`];
    if (!refused) {
      evidence.push(`no message of the last ${CONVERSATIONS_READ} conversations failed "has no public ip addresses"`);
      return profile.privateWebhookTargets === 'refused'
        ? {
            status: 'warn',
            summary: `Chatwoot ${version} refuses every webhook to a private address, with no switch: none refused yet, but any private Evolution address will be`,
            evidence,
            remedy: `Move to Chatwoot 4.14.1 or later and set ${SAFE_FETCH_OPT_OUT_ENV}=true, or give Evolution a public webhook address.`,
            references: ['chatwoot#14489', 'chatwoot#14494'],
            exchanges,
          }
        : {
            status: 'pass',
            summary: `no webhook refused for a private address (${SAFE_FETCH_OPT_OUT_ENV} is set, or Evolution's address is public)`,
            evidence,
            exchanges,
          };
    }
    evidence.push(`message #${refused.message} in conversation #${refused.conversation}: failed, external_error "${refused.error}"`);
    const reused = ruleRemedy('chatwoot-refuses-private-webhook-target');
    return {
      status: 'fail',
      summary: `Chatwoot ${version} refuses webhooks to Evolution's private address: replies and bot commands never reach Evolution`,
      evidence,
      remedy:
        profile.privateWebhookTargets === 'refused'
          ? `4.14.0 has no switch: move to Chatwoot 4.14.1 or later and set ${SAFE_FETCH_OPT_OUT_ENV}=true on its rails and sidekiq services, or give Evolution a public webhook address.`
          : `Set ${SAFE_FETCH_OPT_OUT_ENV}=true on Chatwoot's rails and sidekiq services and restart them, or give Evolution a public webhook address.`,
      references: reused?.references ?? ['chatwoot#14489', 'chatwoot#14494'],
      ...(reused ? { rule: reused.rule } : {}),
      exchanges,
    };
  },
};
