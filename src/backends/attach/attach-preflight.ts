import { randomBytes } from 'node:crypto';
import { ChatwootClient } from '../../clients/chatwoot-client.ts';
import { probeFrom } from '../../clients/evidence-client.ts';
import type { ChatwootMessage } from '../../clients/chatwoot-schemas.ts';
import { waitFor } from '../../common/wait-for.ts';
import { ErrorCodes, InfrastructureError, toHarnessError } from '../../errors/index.ts';
import type { RecordedExchange } from '../../evidence/evidence-types.ts';
import type { AttachSession } from './attach-session.ts';
import { EvolutionClient } from '../../clients/evolution-client.ts';

/** In the path of every preflight webhook: the evidence of the cells leaves these exchanges out. */
export const PREFLIGHT_MARK = 'evochat-preflight-';

export interface PreflightInput {
  session: AttachSession;
  /** The Chatwoot URL Evolution is given (its recording proxy in front of the attached server). */
  chatwootFromEvolution: string;
  /** An Evolution the harness runs: the recording proxy the attached Chatwoot must reach, and the SERVER_URL it is known by. */
  evolution: { frontUrl: string; serverUrl: string; recorded: (filter: { contains: string }) => RecordedExchange[] };
  runId: string;
  timeoutMs?: number;
}

export interface PreflightOutcome {
  /** Evolution → Chatwoot: `GET /api` from Evolution's side, or (attached Evolution) instance created → its first call, ms. */
  evolutionToChatwootMs: number;
  /** Chatwoot → Evolution: a message → its webhook at Evolution (or, attached, Evolution's reaction to it), ms. */
  chatwootToEvolutionMs: number;
  /** An attached Evolution's own SERVER_URL, as its create answer's webhook_url shows it. */
  serverUrl?: string;
  /** The throwaway account (attached Evolution): its exchanges are the run's, not any cell's. */
  accountId?: number;
}

export interface AttachedEvolutionPreflightInput {
  session: AttachSession;
  /** The Chatwoot URL the attached Evolution is given (the recording proxy in front of the attached Chatwoot, as it reaches it). */
  chatwootFromEvolution: string;
  /** What that proxy recorded: the attached Evolution's calls are watched there. */
  chatwootRecorded: (filter: { contains: string; since?: number }) => RecordedExchange[];
  /** The recording proxy in front of the attached Evolution (what is created through it is ledgered). */
  evolutionUrl: string;
  runId: string;
  timeoutMs?: number;
}

function failedDelivery(messages: readonly ChatwootMessage[]): string | undefined {
  for (const message of messages) {
    const error = message.content_attributes?.external_error;
    if (message.status === 'failed' || typeof error === 'string') return typeof error === 'string' ? error : 'marked failed';
  }
  return undefined;
}

/** The preflight's throwaway account and its administrator, each recorded in the ledger as it is created. */
async function createPreflightAdmin(session: AttachSession, runId: string) {
  const platform = session.platform;
  const account = await platform.createAccount({ name: `evochat preflight ${runId}`, locale: 'en' });
  session.record('account', account.id, 'evochat preflight');
  const email = `${runId}-preflight@evochat.test`.toLowerCase();
  const user = await platform.createUser({ name: 'evochat preflight', email, password: `Evo#${randomBytes(6).toString('hex')}a1` });
  session.record('user', user.id, email);
  await platform.addAccountUser(account.id, user.id, 'administrator');
  return { account, user };
}

/**
 * Both directions before any scenario (issue 20): Evolution reaches the attached Chatwoot (`GET /api` fetched from where
 * Evolution stands), and the attached Chatwoot reaches Evolution (an API inbox whose webhook_url is under Evolution's
 * SERVER_URL, a conversation and a message; their webhooks must arrive at Evolution's recording proxy). The inbox lives
 * in a throwaway account of the run's ledger, deleted before the cells' accounts are made, pass or fail.
 */
export async function attachPreflight(input: PreflightInput): Promise<PreflightOutcome> {
  const { session } = input;
  const url = session.chatwoot.url;
  const timeoutMs = input.timeoutMs ?? 15_000;

  const began = performance.now();
  const probe = await probeFrom(input.evolution.frontUrl, `${input.chatwootFromEvolution}/api`).catch((error: unknown) => ({
    status: undefined,
    error: toHarnessError(error).message,
  }));
  if (probe.status !== 200) {
    throw new InfrastructureError(
      ErrorCodes.attachPreflight,
      `preflight: Evolution cannot reach the attached Chatwoot at ${url} (GET /api from Evolution's side: ${probe.error ?? `HTTP ${probe.status}`})`,
      { hint: 'the harness reached it a moment ago: check that it is still up and that nothing between filters this machine' },
    );
  }
  const evolutionToChatwootMs = Math.round(performance.now() - began);

  const nonce = `${PREFLIGHT_MARK}${randomBytes(6).toString('hex')}`;
  const webhookUrl = `${input.evolution.serverUrl.replace(/\/+$/, '')}/chatwoot/webhook/${nonce}`;
  try {
    const { account, user } = await createPreflightAdmin(session, input.runId);
    const chatwoot = new ChatwootClient({ baseUrl: url, accountId: account.id, token: user.accessToken, redactor: session.redactor });
    const inbox = await chatwoot.createInbox('evochat preflight', webhookUrl);
    const contact = await chatwoot.createContact({ inboxId: inbox.id, name: 'evochat preflight' });
    const sent = performance.now();
    const conversation = await chatwoot.createConversation({ inboxId: inbox.id, contactId: contact.id });
    await chatwoot.createMessage(conversation.id, { content: 'evochat preflight', messageType: 'incoming' });
    try {
      await waitFor(() => input.evolution.recorded({ contains: nonce }).length > 0, {
        timeoutMs,
        intervalMs: 100,
        description: `a webhook from ${url} at ${webhookUrl}`,
      });
    } catch {
      const refused = failedDelivery(await chatwoot.messages(conversation.id).catch(() => []));
      const privateRefusal = refused !== undefined && /no public ip addresses/i.test(refused);
      throw new InfrastructureError(
        ErrorCodes.attachPreflight,
        `preflight: the attached Chatwoot at ${url} cannot reach Evolution at ${input.evolution.serverUrl}: no webhook arrived within ${timeoutMs} ms${refused ? ` (Chatwoot: ${refused})` : ''}`,
        {
          hint: privateRefusal
            ? 'Chatwoot 4.14+ refuses private and loopback webhook targets: start it with SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true (4.14.1+), or give --advertise-host a public address of this machine'
            : 'give --advertise-host <an address of this machine the Chatwoot server reaches>, and let that port through the firewall',
          details: { webhookUrl },
        },
      );
    }
    return { evolutionToChatwootMs, chatwootToEvolutionMs: Math.round(performance.now() - sent) };
  } finally {
    await session.removeNow();
  }
}

const fromEvolution = (recorded: RecordedExchange) => recorded.exchange.link === 'evolution->chatwoot';

/**
 * Both directions when Evolution is attached too, so the two servers talk to each other with the harness's proxy on the
 * Evolution → Chatwoot link only. In a throwaway account: an instance (run-unique name) whose Chatwoot bootstrap must
 * reach the attached Chatwoot through the proxy (its inbox, bot contact, conversation and `init`: evolution-api-1.7.md
 * §3a), then a `status` in the bot conversation: Chatwoot's webhook to Evolution's SERVER_URL is proven by what Evolution
 * does next, on every version a call to Chatwoot (§3e; 2.x §4e). The create answer's webhook_url gives the SERVER_URL.
 * Instance, account and user are deleted before the cells' accounts are made, pass or fail.
 */
export async function attachedEvolutionPreflight(input: AttachedEvolutionPreflightInput): Promise<PreflightOutcome> {
  const { session } = input;
  const evolution = session.evolution;
  if (!evolution) throw new InfrastructureError(ErrorCodes.internal, 'attachedEvolutionPreflight without an attached Evolution');
  const url = session.chatwoot.url;
  const timeoutMs = input.timeoutMs ?? 20_000;
  const instance = `${PREFLIGHT_MARK}${randomBytes(6).toString('hex')}`;
  try {
    const { account, user } = await createPreflightAdmin(session, input.runId);
    const accountPath = `/accounts/${account.id}/`;

    const began = performance.now();
    const client = new EvolutionClient({ baseUrl: input.evolutionUrl, apiKey: evolution.apiKey, redactor: session.redactor, version: evolution.version });
    const created = await client.createInstance(instance, { accountId: account.id, token: user.accessToken, url: input.chatwootFromEvolution });
    const webhookUrl = created.chatwoot?.webhook_url ?? created.chatwoot?.webhookUrl;
    const serverUrl = webhookUrl?.replace(/\/chatwoot\/webhook\/.*$/, '');
    const initPosted = () =>
      input
        .chatwootRecorded({ contains: accountPath })
        .find((recorded) => fromEvolution(recorded) && /\/conversations\/\d+\/messages$/.test(recorded.exchange.request.url));
    try {
      await waitFor(() => initPosted() !== undefined, { timeoutMs, intervalMs: 100, description: `the bootstrap of ${instance} on ${url}` });
    } catch {
      const seen = input.chatwootRecorded({ contains: accountPath }).filter(fromEvolution).length;
      throw new InfrastructureError(
        ErrorCodes.attachPreflight,
        `preflight: the attached Evolution at ${evolution.url} did not bootstrap through ${input.chatwootFromEvolution} within ${timeoutMs} ms (${seen} call(s) arrived)`,
        { hint: 'the attached Evolution must reach this machine: give --advertise-host <an address of this machine it reaches>' },
      );
    }
    const evolutionToChatwootMs = Math.round(performance.now() - began);
    const conversationId = Number(/\/conversations\/(\d+)\/messages$/.exec(initPosted()!.exchange.request.url)![1]);

    const chatwoot = new ChatwootClient({ baseUrl: url, accountId: account.id, token: user.accessToken, redactor: session.redactor });
    const sent = Date.now();
    const started = performance.now();
    await chatwoot.createMessage(conversationId, { content: 'status', messageType: 'outgoing' });
    try {
      await waitFor(() => input.chatwootRecorded({ contains: accountPath, since: sent }).some(fromEvolution), {
        timeoutMs,
        intervalMs: 100,
        description: `the attached Evolution's answer to a webhook from ${url}`,
      });
    } catch {
      const refused = failedDelivery(await chatwoot.messages(conversationId).catch(() => []));
      throw new InfrastructureError(
        ErrorCodes.attachPreflight,
        `preflight: the attached Chatwoot at ${url} cannot reach the attached Evolution at ${serverUrl ?? 'its SERVER_URL'}: no reaction to a webhook within ${timeoutMs} ms${refused ? ` (Chatwoot: ${refused})` : ''}`,
        {
          hint: "the two servers talk to each other directly: Evolution's SERVER_URL must be an address Chatwoot reaches (4.14+: SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true for a private one)",
        },
      );
    }
    return {
      evolutionToChatwootMs,
      chatwootToEvolutionMs: Math.round(performance.now() - started),
      accountId: account.id,
      ...(serverUrl ? { serverUrl } : {}),
    };
  } finally {
    await session.removeNow();
  }
}
