import type { ChatwootClient } from '../../src/clients/chatwoot-client.ts';
import type { ChatwootContact, ChatwootConversation, ChatwootInbox, ChatwootMessage } from '../../src/clients/chatwoot-schemas.ts';
import { ApiResponseError } from '../../src/clients/http-client.ts';
import type { EvolutionClient } from '../../src/clients/evolution-client.ts';
import type { WhatsappSimClient } from '../../src/clients/whatsapp-sim-client.ts';
import type { RawResponse } from '../../src/clients/http-client.ts';
import type { Exchange } from '../../src/model/result-schema.ts';
import type { ChatwootEndpoint } from '../../src/stack/stack.ts';
import type { ScenarioContext, WaitOptions } from '../../src/scenario/suite-context.ts';
import { BOT_CONTACT_PHONE } from '../../src/model/bot-contact.ts';

/** How often scenarios poll Chatwoot for an awaited record. */
export const POLL_MS = 200;

/** Timing of upstream the deadlines are sized to: Evolution pauses 500 ms per webhook, Chatwoot times webhooks out after 5 s. */
export const DEADLINES = {
  /** Inbox, bot contact, conversation and `init` after /instance/create (a handful of calls, no pause). */
  bootstrapMs: 15_000,
  /**
   * A bot reply: 500 ms pause + 3-4 Chatwoot calls, but queued behind the instance's earlier webhooks
   * (each also paused 500 ms by Evolution). Generous on purpose: on a loaded machine a tight deadline
   * reports a break the products did not cause; known breaks end early through failFast evidence.
   */
  botReplyMs: 15_000,
  /** A webhook outcome in Chatwoot: up to its 5 s timeout, plus the message update, plus the queue. */
  webhookOutcomeMs: 20_000,
} as const;

/**
 * Makes sure the account has the bot contact before any instance is created. Every Evolution instance of
 * a cell shares the cell's account, and Evolution creates the contact when its lookup finds none: two
 * instances bootstrapping at once would race on that create (one gets "Phone number has already been
 * taken" and its bootstrap stops). Upstream would hit that too with parallel setups; the suites avoid it.
 */
export function ensureBotContact(s: ScenarioContext, chatwoot: ChatwootClient): Promise<ChatwootContact> {
  return s.shared(`bot-contact ${chatwoot.http.baseUrl} ${chatwoot.accountId}`, async () => {
    const existing = await chatwoot.findContactByPhone(BOT_CONTACT_PHONE);
    if (existing) return existing;
    try {
      return await chatwoot.createContact({ name: 'EvolutionAPI', phoneNumber: `+${BOT_CONTACT_PHONE}` });
    } catch (error) {
      // Another suite of this cell created it a moment ago.
      if (error instanceof ApiResponseError && error.status === 422) {
        const created = await chatwoot.findContactByPhone(BOT_CONTACT_PHONE);
        if (created) return created;
      }
      throw error;
    }
  });
}

export interface BotInstance {
  instanceName: string;
  create: RawResponse;
}

/** `POST /instance/create` with Chatwoot enabled for `endpoint`; the raw answer (scenarios assert on its status). */
export async function createBotInstance(
  s: ScenarioContext,
  options: { label: string; evolution: EvolutionClient; chatwoot: ChatwootEndpoint; client: ChatwootClient },
): Promise<BotInstance> {
  await ensureBotContact(s, options.client);
  const instanceName = s.instanceName(options.label);
  // Imports read Chatwoot's database directly (chatwoot-3.7-3.9.md §3.4): not part of these checks (the client turns them off).
  const create = await options.evolution.createInstanceRaw(instanceName, {
    accountId: options.chatwoot.accountId,
    token: options.chatwoot.token,
    url: options.chatwoot.urlFromEvolution,
  });
  return { instanceName, create };
}

export function waitForInbox(s: ScenarioContext, client: ChatwootClient, name: string, timeoutMs: number = DEADLINES.bootstrapMs): Promise<ChatwootInbox> {
  return s.waitFor(`inbox "${name}" in Chatwoot`, () => client.inboxNamed(name), { timeoutMs, intervalMs: POLL_MS });
}

export function waitForConversationWith(
  s: ScenarioContext,
  client: ChatwootClient,
  contactId: number,
  inboxId: number,
  timeoutMs: number = DEADLINES.bootstrapMs,
): Promise<ChatwootConversation> {
  return s.waitFor(
    `a conversation with contact ${contactId} in inbox ${inboxId}`,
    async () => (await client.contactConversations(contactId)).find((conversation) => conversation.inbox_id === inboxId),
    { timeoutMs, intervalMs: POLL_MS },
  );
}

export function waitForMessage(
  s: ScenarioContext,
  client: ChatwootClient,
  conversationId: number,
  description: string,
  match: (message: ChatwootMessage) => boolean,
  options: Partial<WaitOptions> = {},
): Promise<ChatwootMessage> {
  return s.waitFor(description, async () => (await client.messages(conversationId)).find(match), {
    timeoutMs: options.timeoutMs ?? DEADLINES.botReplyMs,
    intervalMs: options.intervalMs ?? POLL_MS,
    ...(options.failFast ? { failFast: options.failFast } : {}),
  });
}

/** Inbox, bot conversation and `init`: the state every bot scenario starts from. */
export interface BotConversation {
  instanceName: string;
  inbox: ChatwootInbox;
  botContact: ChatwootContact;
  conversation: ChatwootConversation;
  init: ChatwootMessage;
}

export async function bootstrapBotConversation(
  s: ScenarioContext,
  options: { label: string; evolution: EvolutionClient; chatwoot: ChatwootEndpoint; client: ChatwootClient; timeoutMs?: number },
): Promise<BotConversation> {
  const timeoutMs = options.timeoutMs ?? DEADLINES.bootstrapMs;
  const { instanceName, create } = await createBotInstance(s, options);
  if (create.status !== 201) s.fail(`/instance/create answered ${create.status}: ${s.redactor.text(create.text).slice(0, 500)}`);
  const inbox = await waitForInbox(s, options.client, instanceName, timeoutMs);
  const botContact = await ensureBotContact(s, options.client);
  const conversation = await waitForConversationWith(s, options.client, botContact.id, inbox.id, timeoutMs);
  const init = await waitForMessage(s, options.client, conversation.id, '`init` in the bot conversation', (m) => (m.content ?? '').startsWith('init'), {
    timeoutMs,
  });
  return { instanceName, inbox, botContact, conversation, init };
}

const BOT_LOOKUP_PATHS = /\/conversations\/filter(?:[?#]|$)|\/contacts\/\d+\/conversations(?:[?#]|$)|\/contacts\/filter(?:[?#]|$)|\/inboxes\/?(?:[?#]|$)/;

/**
 * A failFast for bot replies: Evolution's own lookup of the bot conversation (or of the bot contact /
 * inbox before it) for this inbox answered non-2xx since `since`. Upstream never retries, so the reply
 * cannot come any more; the exchange is the decisive evidence. Needs the evidence capability (else never fires).
 */
export function botLookupFailure(s: ScenarioContext, inboxId: number, since: number): NonNullable<WaitOptions['failFast']> {
  return async () => {
    const exchanges = await s.exchanges({ link: 'evolution->chatwoot', since, failed: true });
    const failed = exchanges.find(
      (exchange) =>
        exchange.response !== null &&
        exchange.response.status >= 400 &&
        BOT_LOOKUP_PATHS.test(exchange.request.url) &&
        (!exchange.request.url.includes('/conversations/filter') || exchange.request.body.includes(`"${inboxId}"`)),
    );
    if (!failed) return undefined;
    return { message: describeFailedExchange('Evolution', failed), decisive: { kind: 'exchange', exchangeId: failed.id } };
  };
}

export function describeFailedExchange(who: string, exchange: Exchange): string {
  const body = exchange.response?.body ?? '';
  return `${who}'s ${exchange.request.method} ${exchange.request.url} answered ${exchange.response?.status ?? exchange.error}${body ? `: ${body.slice(0, 400)}` : ''}`;
}

/** Bot messages mention the inbox and the state in `*…*` (e.g. "⚠️ <inbox> instance status: *close*."), in any LANGUAGE. */
export function isStatusReply(message: ChatwootMessage, inboxName: string): boolean {
  const content = message.content ?? '';
  return message.message_type === 0 && content.includes(inboxName) && /\*(close|open|connecting|closed)\*/.test(content);
}

/** The message's failure as Chatwoot recorded it (`content_attributes.external_error`). */
export function externalError(message: ChatwootMessage): string {
  const error = message.content_attributes?.external_error;
  return typeof error === 'string' ? error : JSON.stringify(error ?? null);
}

type FailFast = NonNullable<WaitOptions['failFast']>;

/** The first failFast that fires. */
export function firstFailure(...checks: FailFast[]): FailFast {
  return async () => {
    for (const check of checks) {
      const failure = await check();
      if (failure) return failure;
    }
    return undefined;
  };
}

/**
 * A failFast for waits on what a webhook for one message would cause: Chatwoot marked that message failed (PR #8277),
 * because its webhook failed or was refused before any request (4.14+ SafeFetch, chatwoot-3.10-4.x.md §4.3); upstream
 * never retries. Decisive: Chatwoot's "Invalid webhook URL" log line naming `marker` (the instance's webhook path),
 * else the failed exchange.
 */
export function messageFailure(
  s: ScenarioContext,
  options: { client: ChatwootClient; conversationId: number; messageId: number; what: string; marker: string; since: number },
): FailFast {
  return async () => {
    const failed = (await options.client.messages(options.conversationId)).find((m) => m.id === options.messageId && m.status === 'failed');
    if (!failed) return undefined;
    const log = (await s.logs({ since: options.since, contains: 'Invalid webhook URL' })).find((line) => line.line.includes(options.marker));
    const webhook = log ? undefined : (await s.exchanges({ link: 'chatwoot->evolution', since: options.since, failed: true, contains: options.marker }))[0];
    return {
      message: `Chatwoot marked ${options.what} failed: ${externalError(failed)}`,
      decisive: log ? { kind: 'log', service: log.service, line: log.line } : webhook ? { kind: 'exchange', exchangeId: webhook.id } : undefined,
    };
  };
}

/** The webhook path of an instance, as its inbox `webhook_url` and Chatwoot's log lines show it. */
export function webhookPathOf(instanceName: string): string {
  return `/chatwoot/webhook/${instanceName}`;
}

/**
 * Pairs the simulated phone: waits for the QR the connection attempt (started by `init`) shows, scans
 * it, and waits until Evolution reports the instance `open`. Needs whatsappPeer. With `bot`, an `init` that
 * Chatwoot could not deliver (marked failed: e.g. 4.14's refusal of private targets) starts the connection through
 * Evolution's own `GET /instance/connect` instead, as an operator would from Evolution's manager: scenarios about
 * what comes after pairing then see their own outcome, not the pairing's.
 */
export async function connectWhatsapp(
  s: ScenarioContext,
  instanceName: string,
  phone: { number?: string; pushName?: string } = {},
  timeoutMs: number = DEADLINES.bootstrapMs,
  bot?: { conversation: BotConversation; client: ChatwootClient },
  /** Another Evolution than the cell's (evolution-faults' misconfigured ones) and its simulated WhatsApp. */
  peer?: { evolution: EvolutionClient; whatsapp: WhatsappSimClient },
): Promise<void> {
  const whatsapp = peer?.whatsapp ?? s.whatsapp();
  const evolution = peer?.evolution ?? s.evolution();
  const initFailed = async () => {
    if (!bot) return undefined;
    return (await bot.client.messages(bot.conversation.conversation.id)).find((m) => m.id === bot.conversation.init.id && m.status === 'failed');
  };
  const first = await s.waitFor(
    `a QR code for ${instanceName} on the simulated WhatsApp`,
    async () => ((await whatsapp.qr(instanceName)) ? 'qr' : (await initFailed()) ? 'init-failed' : undefined),
    { timeoutMs, intervalMs: POLL_MS },
  );
  if (first === 'init-failed') {
    const failed = await initFailed();
    s.note(`Chatwoot marked \`init\` failed (${failed ? externalError(failed) : '?'}): pairing through Evolution's GET /instance/connect instead`);
    const connect = await evolution.connect(instanceName);
    if (connect.status >= 300) s.fail(`GET /instance/connect/${instanceName} answered ${connect.status}: ${connect.text.slice(0, 300)}`);
    await s.waitFor(`a QR code for ${instanceName} after /instance/connect`, () => whatsapp.qr(instanceName), { timeoutMs, intervalMs: POLL_MS });
  }
  const scan = await whatsapp.scan(instanceName, phone);
  if (scan.status !== 200) s.fail(`scanning the QR of ${instanceName} answered ${scan.status}: ${scan.text.slice(0, 300)}`);
  await s.waitFor(`${instanceName} connected (state open)`, async () => (await evolution.connectionState(instanceName)) === 'open', {
    timeoutMs,
    intervalMs: POLL_MS,
  });
}
