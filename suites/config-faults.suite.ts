/**
 * Seed symptoms: a wrong webhook URL (an extra slash); SERVER_URL not reachable from Chatwoot (mixed
 * internal/external addresses); slow S3 storage. Faults injected on purpose, each expected to break:
 * the scenarios assert the integration works and show how it fails. Chatwoot marks a message failed when
 * its webhook fails (non-2xx, connection refused, or no answer within 5 s; chatwoot-3.7-3.9.md §4). From 4.14.0 Chatwoot
 * also refuses webhooks to private addresses, where every harness (and nearly every Evolution deployment) runs
 * (chatwoot#14489/#14494): 4.14.0 always, 4.14.1+ unless SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true (chatwoot-3.10-4.x.md §4).
 */
import { expect } from 'vitest';
import type { ChatwootClient } from '../src/clients/chatwoot-client.ts';
import { createHttpClient } from '../src/clients/http-client.ts';
import { chatwootProfile, SAFE_FETCH_OPT_OUT_ENV } from '../src/model/chatwoot-profiles.ts';
import { capabilitySkipReason, defineSuite, type ScenarioContext } from '../src/scenario/suite-context.ts';
import type { CellStack, EvolutionEndpoint } from '../src/stack/stack.ts';
import { fixtureImage } from './lib/attachments.ts';
import {
  bootstrapBotConversation,
  connectWhatsapp,
  DEADLINES,
  externalError,
  isStatusReply,
  messageFailure,
  waitForConversationWith,
  waitForMessage,
} from './lib/bot-flow.ts';
import { enterSetup, whenNoSetupRunning } from './lib/latency-gate.ts';
import { phoneFor } from './lib/phones.ts';

const REPLY_TEXT = 'evochat slow-storage attachment reply';
/** The object-store calls slow-storage slows: reads only (see slowStorageRound). */
const SLOWED_STORAGE_METHODS: readonly ('GET' | 'HEAD')[] = ['GET', 'HEAD'];

function failedMessage(client: ChatwootClient, conversationId: number, messageId: number) {
  return async () => (await client.messages(conversationId)).find((m) => m.id === messageId && m.status === 'failed');
}

/**
 * How this scenario's instance appears in its webhook URLs, in the inbox Evolution creates and in
 * Chatwoot's "Invalid webhook URL …" log lines. The labels of one cell (slash, unreach, slow) are no
 * prefixes of each other, so the marker names exactly one scenario.
 */
function webhookMarker(s: ScenarioContext, label: string): string {
  return `/chatwoot/webhook/${s.instanceName(label)}`;
}

/** `status` in the bot conversation of an instance on a misconfigured Evolution: the reply must come, the command must not fail. */
async function botRoundTrip(s: ScenarioContext, label: string, endpoint: EvolutionEndpoint): Promise<void> {
  const chatwoot = s.chatwoot();
  // The three faults of a cell run at the same time: only evidence naming this instance is this scenario's.
  s.scope({ markers: [webhookMarker(s, label)] });
  const bot = await bootstrapBotConversation(s, { label, evolution: s.evolutionFor(endpoint), chatwoot: s.stack.chatwoot, client: chatwoot });
  s.note(`inbox webhook_url ${bot.inbox.webhook_url}`);
  const sentAt = Date.now();
  const command = await chatwoot.createMessage(bot.conversation.id, { content: 'status', messageType: 'outgoing' });
  const isFailed = failedMessage(chatwoot, bot.conversation.id, command.id);
  await waitForMessage(s, chatwoot, bot.conversation.id, 'the bot status reply', (m) => m.id > command.id && isStatusReply(m, bot.inbox.name), {
    timeoutMs: DEADLINES.webhookOutcomeMs,
    failFast: async () => {
      const failed = await isFailed();
      if (!failed) return undefined;
      const webhook = (await s.exchanges({ link: 'chatwoot->evolution', since: sentAt, failed: true, contains: `/chatwoot/webhook/${bot.instanceName}` }))[0];
      const log = webhook ? undefined : (await s.logs({ since: sentAt, contains: 'Invalid webhook URL' })).find((line) => line.line.includes(bot.instanceName));
      return {
        message: `Chatwoot marked the \`status\` command failed: ${externalError(failed)}${webhook ? ` (webhook ${webhook.request.method} ${webhook.request.url} → ${webhook.response?.status ?? webhook.error})` : ''}`,
        decisive: webhook ? { kind: 'exchange', exchangeId: webhook.id } : log ? { kind: 'log', service: log.service, line: log.line } : undefined,
      };
    },
  });
  const failed = await isFailed();
  expect(failed, `the command is not marked failed (${failed ? externalError(failed) : ''})`).toBeUndefined();
}

defineSuite(
  'config-faults',
  (cell) => {
    cell.scenario('webhook-double-slash', async (s) => {
      const fault = s.stack.faults.trailingSlashEvolution;
      if (!fault) s.skip('this backend provides no Evolution with a trailing-slash SERVER_URL');
      await botRoundTrip(s, 'slash', fault!);
    });

    cell.scenario('server-url-unreachable', async (s) => {
      const fault = s.stack.faults.unreachableEvolution;
      if (!fault) s.skip('this backend provides no Evolution with an unreachable SERVER_URL');
      await botRoundTrip(s, 'unreach', fault!);
    });

    cell.scenario('private-webhook-target', async (s) => {
      const version = s.stack.chatwootVersion;
      const profile = chatwootProfile(version);
      if (profile.privateWebhookTargets === 'delivered') s.skip(`Chatwoot ${version} delivers webhooks to private addresses (the refusal starts at 4.14.0)`);
      // 4.14.0 has no switch: the cell's own Chatwoot refuses. 4.14.1+: one started without the opt-out the harness sets.
      const endpoint = profile.privateWebhookTargets === 'refused' ? s.stack.chatwoot : s.stack.faults.privateNetworkChatwoot;
      if (!endpoint) s.skip(`this backend provides no Chatwoot ${version} without ${SAFE_FETCH_OPT_OUT_ENV}`);
      s.note(
        profile.privateWebhookTargets === 'refused'
          ? `Chatwoot ${version} has no ${SAFE_FETCH_OPT_OUT_ENV}: the cell's Chatwoot itself refuses`
          : `a Chatwoot ${version} started without ${SAFE_FETCH_OPT_OUT_ENV}=true`,
      );
      const chatwoot = s.chatwootFor(endpoint!);
      s.scope({ markers: [webhookMarker(s, 'private')] });
      const bot = await bootstrapBotConversation(s, { label: 'private', evolution: s.evolution(), chatwoot: endpoint!, client: chatwoot });
      s.note(`inbox webhook_url ${bot.inbox.webhook_url}`);
      const sentAt = Date.now();
      const command = await chatwoot.createMessage(bot.conversation.id, { content: 'status', messageType: 'outgoing' });
      await waitForMessage(s, chatwoot, bot.conversation.id, 'the bot status reply', (m) => m.id > command.id && isStatusReply(m, bot.inbox.name), {
        timeoutMs: DEADLINES.webhookOutcomeMs,
        failFast: messageFailure(s, {
          client: chatwoot,
          conversationId: bot.conversation.id,
          messageId: command.id,
          what: 'the `status` command',
          marker: webhookMarker(s, 'private'),
          since: sentAt,
        }),
      });
    });

    cell.scenario(
      'slow-storage',
      async (s) => {
        if (s.stack.storage !== 'minio') s.skip('no S3 link to slow down: this cell stores attachments on local disk');
        const slow = s.stack.faults.slowStorage;
        if (!slow || !s.has('storageLatency')) s.skip(capabilitySkipReason('storageLatency'));
        const latencyMs = slow!.latencyMs ?? 6000;
        // A cell sharing this slow Chatwoot that reached its setup late may find the latency on already; then every
        // storage read in its setup takes that long, and setup waits must allow for it.
        const setupMs = 2 * latencyMs + DEADLINES.bootstrapMs;
        s.scope({ markers: [webhookMarker(s, 'slow'), REPLY_TEXT] });
        const leaveSetup = enterSetup(slow!.latencyControlUrl);
        try {
          await slowStorageRound(s, slow!, latencyMs, setupMs, leaveSetup);
        } finally {
          leaveSetup();
        }
      },
      { timeoutMs: 60_000 },
    );
  },
  { scenarios: 'concurrent', cellsAtOnce: 'waiting', priority: (stack) => (stack.storage === 'minio' ? 1 : 0) },
);

type SlowStorageFault = NonNullable<CellStack['faults']['slowStorage']>;

/** The slow-storage round: set up a bot and a customer conversation, switch the storage latency on, reply with an image. */
async function slowStorageRound(s: ScenarioContext, slow: SlowStorageFault, latencyMs: number, setupMs: number, leaveSetup: () => void): Promise<void> {
  const chatwoot = s.chatwootFor(slow.chatwoot);
  const bot = await bootstrapBotConversation(s, {
    label: 'slow',
    evolution: s.evolution(),
    chatwoot: slow.chatwoot,
    client: chatwoot,
    timeoutMs: setupMs,
  });

  // A customer conversation to reply in: through WhatsApp where there is one, else created directly.
  const phone = phoneFor(s.stack.cellId, 'slow-storage');
  let conversationId: number;
  if (s.has('whatsappPeer')) {
    await connectWhatsapp(s, bot.instanceName, {}, setupMs, { conversation: bot, client: chatwoot });
    const hello = `hello slow ${Date.now()}`;
    await s.whatsapp().inbound(bot.instanceName, { from: phone, pushName: 'Slow Tester', text: hello });
    const contact = await s.waitFor(`contact +${phone}`, () => chatwoot.findContactByPhone(phone), { timeoutMs: setupMs });
    conversationId = (await waitForConversationWith(s, chatwoot, contact.id, bot.inbox.id, setupMs)).id;
  } else {
    const contact = await chatwoot.createContact({ inboxId: bot.inbox.id, name: 'Slow Tester', phoneNumber: `+${phone}` });
    conversationId = (await chatwoot.createConversation({ inboxId: bot.inbox.id, contactId: contact.id })).id;
  }

  // Setup done: switch the latency on once no other cell sharing this slow Chatwoot is still setting up (suites/lib/latency-gate.ts).
  leaveSetup();
  const gateWaitMs = await whenNoSetupRunning(slow.latencyControlUrl, setupMs);
  if (gateWaitMs > 0) s.note(`waited ${gateWaitMs} ms for other cells' setups through this slow Chatwoot`);
  // Only the storage's reads are slowed: what meets Chatwoot's 5 s webhook timeout is Evolution fetching the
  // reply's data_url while Chatwoot waits for the webhook's answer (chatwoot-3.7-3.9.md §4, §7). A slowed upload
  // would only hold the agent's POST for the same time first and decide nothing.
  const control = createHttpClient({ baseUrl: slow.latencyControlUrl, service: 'latency-proxy' });
  const set = await control.raw({ method: 'PUT', path: '', json: { delayMs: latencyMs, methods: SLOWED_STORAGE_METHODS } });
  if (set.status !== 200) throw new Error(`could not set the storage latency: ${set.status} ${set.text}`);
  s.note(`storage reads (${SLOWED_STORAGE_METHODS.join('/')}) slowed by ${latencyMs} ms; uploads at full speed`);

  const image = fixtureImage();
  const uploadStartedAt = Date.now();
  const started = performance.now();
  const reply = await chatwoot.createMessage(conversationId, { content: REPLY_TEXT, messageType: 'outgoing', attachments: [image] });
  const uploadMs = Math.round(performance.now() - started);
  s.note(`the attachment upload POST took ${uploadMs} ms`);
  // The reply's webhooks start when Chatwoot has saved the message, which can be a moment before its answer reaches
  // the harness: they are looked for from the start of the upload, never from the answer (a webhook that started 1 ms
  // before the answer was missed, and the scenario waited out its 5 s look-up).
  const isFailed = failedMessage(chatwoot, conversationId, reply.id);
  const outcome = await s.waitFor(
    'the attachment reply to be delivered or marked failed',
    async () => {
      const failed = await isFailed();
      if (failed) return { failed };
      const delivered = s.has('whatsappPeer') ? (await s.whatsapp().sent(bot.instanceName)).find((m) => m.to === phone && m.kind === 'media') : undefined;
      const webhook = (await s.exchanges({ link: 'chatwoot->evolution', since: uploadStartedAt, contains: REPLY_TEXT })).find((e) => e.response !== null);
      return delivered && webhook && webhook.response!.status < 300 ? { delivered } : undefined;
    },
    { timeoutMs: latencyMs * 2 + 10_000, intervalMs: 250 },
  );
  // The slowed read carries nothing that names the scenario: tie it by id. A proxy lists a call once it has
  // completed, which for the slowed read is after Chatwoot's timeout: wait for it (the diagnosis names it).
  const storageReads = async () =>
    (await s.exchanges({ link: 'chatwoot->storage', since: uploadStartedAt })).filter((exchange) =>
      (SLOWED_STORAGE_METHODS as readonly string[]).includes(exchange.request.method),
    );
  const slowedReads = await s
    .waitFor(
      'the slowed storage read of the reply',
      async () => {
        const reads = await storageReads();
        return reads.some((exchange) => exchange.durationMs >= latencyMs * 0.9) ? reads : undefined;
      },
      { timeoutMs: latencyMs + 5_000, intervalMs: 100 },
    )
    .catch(storageReads);
  s.scope({ exchangeIds: slowedReads.map((exchange) => exchange.id) });
  const slowestRead = Math.max(0, ...slowedReads.map((exchange) => exchange.durationMs));
  if (slowestRead > 0) s.note(`the slowest storage read of the reply took ${slowestRead} ms`);

  if ('failed' in outcome && outcome.failed) {
    // The proxy records the webhook when Chatwoot gives up on it, the moment it marks the message failed: allow a little.
    // Only a failed one: the reply's other webhooks (conversation_updated, answered 200 at once) are not what timed out.
    const webhook = await s
      .waitFor(
        'the recorded webhook of the failed reply',
        async () => (await s.exchanges({ link: 'chatwoot->evolution', since: uploadStartedAt, contains: REPLY_TEXT, failed: true }))[0],
        { timeoutMs: 5_000, intervalMs: 100 },
      )
      .catch(() => undefined);
    s.fail(
      `Chatwoot marked the attachment reply failed: ${externalError(outcome.failed)}${webhook ? ` (webhook took ${webhook.durationMs} ms: ${webhook.error ?? webhook.response?.status})` : ''}; storage read ${slowestRead} ms`,
      webhook ? { kind: 'exchange', exchangeId: webhook.id } : undefined,
    );
  }
}
