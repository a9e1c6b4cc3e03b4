/**
 * Seed symptom: "the inbox is created, but no response to init and no QR code" (Evolution 1.7.4 with
 * Chatwoot 3.8/3.9). The WhatsApp-free repro (evolution-api-1.7.md §3e): an agent sends `status` in the
 * bot conversation; Evolution must find that conversation to answer, and 1.7.4 does so with the
 * `contact_id` conversation filter that Chatwoot ≥ 3.8 rejects with 422.
 */
import { MESSAGE_TYPE } from '../src/clients/chatwoot-client.ts';
import { createHttpClient } from '../src/clients/http-client.ts';
import { chatwootProfile } from '../src/model/chatwoot-profiles.ts';
import { capabilitySkipReason, defineSuite } from '../src/scenario/suite-context.ts';
import {
  bootstrapBotConversation,
  botLookupFailure,
  DEADLINES,
  firstFailure,
  isStatusReply,
  messageFailure,
  waitForMessage,
  webhookPathOf,
} from './lib/bot-flow.ts';

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
      {
        timeoutMs: DEADLINES.botReplyMs,
        failFast: firstFailure(
          botLookupFailure(s, bot.inbox.id, sentAt),
          messageFailure(s, {
            client: chatwoot,
            conversationId: bot.conversation.id,
            messageId: command.id,
            what: 'the `status` command',
            marker: webhookPathOf(bot.instanceName),
            since: sentAt,
          }),
        ),
      },
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

  /**
   * From 4.13.0 API-inbox webhooks are signed with the inbox's `secret` (PR #13892): checked the way a receiver would,
   * on the raw bytes, by the recording proxy in front of Evolution (where the receiver stands); the recorded copy is
   * redacted (e.g. `pubsub_token`), so it could not be checked after the fact.
   */
  cell.scenario('webhook-signature', async (s) => {
    const profile = chatwootProfile(s.stack.chatwootVersion);
    if (!profile.webhookSignature) s.skip(`Chatwoot ${s.stack.chatwootVersion} does not sign API-inbox webhooks (from 4.13.0, PR #13892)`);
    const proxyUrl = s.stack.evolutionSideProbeUrl;
    if (!s.has('evidence') || proxyUrl === undefined) s.skip(capabilitySkipReason('evidence'));
    const chatwoot = s.chatwoot();
    const bot = await bootstrapBotConversation(s, { label: 'sig', evolution: s.evolution(), chatwoot: s.stack.chatwoot, client: chatwoot });
    s.scope({ markers: [webhookPathOf(bot.instanceName)] });
    const inboxes = await chatwoot.raw({ method: 'GET', path: `/api/v1/accounts/${chatwoot.accountId}/inboxes` });
    const inbox = (inboxes.json as { payload?: { id: number; secret?: unknown }[] } | undefined)?.payload?.find((candidate) => candidate.id === bot.inbox.id);
    if (typeof inbox?.secret !== 'string' || inbox.secret === '') s.fail(`the inbox JSON shows an administrator no \`secret\` (inbox ${bot.inbox.id})`);
    const secret = inbox!.secret as string;
    s.redactor.add(secret);
    const receiver = createHttpClient({ baseUrl: proxyUrl!, service: 'recording proxy', redactor: s.redactor });
    const registered = await receiver.raw({ method: 'POST', path: '/__evochat/webhook-secrets', json: { secret } });
    if (registered.status !== 200) throw new Error(`the proxy in front of Evolution did not take the signing secret: ${registered.status}`);

    // A private note: Chatwoot sends it to the webhook too (private: true), Evolution ignores it (chatwoot-3.7-3.9.md §4).
    const marker = `evochat signed note ${Date.now()}`;
    const sentAt = Date.now();
    const note = await chatwoot.createMessage(bot.conversation.id, { content: marker, messageType: 'outgoing', private: true });
    const webhook = await s.waitFor(
      'the webhook of the note at Evolution',
      async () =>
        (await s.exchanges({ link: 'chatwoot->evolution', since: sentAt, contains: marker })).find((exchange) => exchange.response !== null || exchange.error),
      {
        timeoutMs: DEADLINES.webhookOutcomeMs,
        failFast: messageFailure(s, {
          client: chatwoot,
          conversationId: bot.conversation.id,
          messageId: note.id,
          what: 'the note',
          marker: webhookPathOf(bot.instanceName),
          since: sentAt,
        }),
      },
    );
    s.decisive({ kind: 'exchange', exchangeId: webhook.id });
    const header = (name: string) => webhook.request.headers[name] ?? webhook.request.headers[name.toLowerCase()];
    const signature = header('x-chatwoot-signature');
    const timestamp = header('x-chatwoot-timestamp');
    if (!signature || !timestamp)
      s.fail(`the webhook carries no X-Chatwoot-Signature / X-Chatwoot-Timestamp (headers: ${Object.keys(webhook.request.headers).join(', ')})`);
    if (!webhook.signature) throw new Error('the proxy in front of Evolution checked no signature (body too large to keep?)');
    if (!webhook.signature.verified) {
      s.fail(`X-Chatwoot-Signature ${signature} does not verify with the inbox secret over "<timestamp>.<raw body>" (timestamp ${timestamp})`);
    }
    s.note(`signed: X-Chatwoot-Timestamp ${timestamp}, X-Chatwoot-Delivery ${header('x-chatwoot-delivery') ?? '(none)'}`);
  });
});
