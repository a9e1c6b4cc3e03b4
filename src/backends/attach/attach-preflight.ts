import { randomBytes } from 'node:crypto';
import { ChatwootClient } from '../../clients/chatwoot-client.ts';
import { probeFrom } from '../../clients/evidence-client.ts';
import type { ChatwootMessage } from '../../clients/chatwoot-schemas.ts';
import { waitFor } from '../../common/wait-for.ts';
import { ErrorCodes, InfrastructureError, toHarnessError } from '../../errors/index.ts';
import type { RecordedExchange } from '../../evidence/evidence-types.ts';
import type { AttachSession } from './attach-session.ts';

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
  /** Evolution → Chatwoot `GET /api`, ms. */
  evolutionToChatwootMs: number;
  /** Conversation created → its webhook at Evolution's address, ms. */
  chatwootToEvolutionMs: number;
}

function failedDelivery(messages: readonly ChatwootMessage[]): string | undefined {
  for (const message of messages) {
    const error = message.content_attributes?.external_error;
    if (message.status === 'failed' || typeof error === 'string') return typeof error === 'string' ? error : 'marked failed';
  }
  return undefined;
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
    const platform = session.platform;
    const account = await platform.createAccount({ name: `evochat preflight ${input.runId}`, locale: 'en' });
    session.record('account', account.id, 'evochat preflight');
    const email = `${input.runId}-preflight@evochat.test`.toLowerCase();
    const user = await platform.createUser({ name: 'evochat preflight', email, password: `Evo#${randomBytes(6).toString('hex')}a1` });
    session.record('user', user.id, email);
    await platform.addAccountUser(account.id, user.id, 'administrator');
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
