import { request } from 'undici';
import { waitFor } from '../common/wait-for.ts';
import { ErrorCodes, InfrastructureError } from '../errors/index.ts';
import type { Observation } from './compare-answers.ts';
import type { DriftFixture, DriftProbe, RestProbe, WebhookProbe } from './drift-probes.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';

/** One Chatwoot the probes run against, with its own account (made over the Platform API, deleted after). */
export interface DriftSide {
  /** For messages: "the attached Chatwoot at …", "the twin 4.14.2". */
  name: string;
  url: string;
  accountId: number;
  /** The account administrator's access token. Secret. */
  token: string;
  /** Path on the receiver this side's inbox posts to. */
  webhookPath: string;
  /** The receiver as this side reaches it. */
  receiverUrl: string;
}

export interface ObserveOptions {
  timeoutMs: number;
  webhookTimeoutMs: number;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function send(side: DriftSide, call: { method: string; path: string; json?: unknown }, timeoutMs: number): Promise<{ status: number; text: string }> {
  try {
    const response = await request(`${side.url}${call.path}`, {
      method: call.method as 'GET',
      headers: {
        accept: 'application/json',
        'user-agent': 'evochat-matrix-drift',
        api_access_token: side.token,
        ...(call.json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(call.json === undefined ? {} : { body: JSON.stringify(call.json) }),
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    return { status: response.statusCode, text: await response.body.text() };
  } catch (error) {
    const err = error as { name?: string; code?: string; message?: string };
    const reason = err.name === 'TimeoutError' || err.name === 'AbortError' ? `no answer within ${timeoutMs} ms` : (err.code ?? err.message ?? String(error));
    throw new InfrastructureError(ErrorCodes.attachUnreachable, `drift: ${side.name} stopped answering (${call.method} ${call.path.split('?')[0]}: ${reason})`);
  }
}

function labelsOf(fixture: DriftFixture, of: 'contacts' | 'conversations'): Map<number, string> {
  return new Map([...fixture[of]].map(([label, id]) => [id, label]));
}

async function observeRest(side: DriftSide, probe: RestProbe, fixture: DriftFixture, options: ObserveOptions): Promise<Observation> {
  let call;
  try {
    call = probe.request(fixture);
  } catch (error) {
    return { text: '', json: undefined, error: (error as Error).message };
  }
  const answer = await send(side, call, options.timeoutMs);
  const json = parse(answer.text);
  if (answer.status >= 200 && answer.status < 300) probe.keep?.(json, fixture);
  const observation: Observation = { status: answer.status, text: answer.text, json };
  if (probe.order) {
    const labels = labelsOf(fixture, probe.order.of);
    observation.order = probe.order.ids(json).map((id) => (typeof id === 'number' ? (labels.get(id) ?? 'not made by drift') : String(id)));
  }
  return observation;
}

function deliveryFailure(json: unknown): string | undefined {
  const messages = (json as { payload?: { status?: unknown; content_attributes?: { external_error?: unknown } }[] } | undefined)?.payload ?? [];
  for (const message of messages) {
    const error = message.content_attributes?.external_error;
    if (typeof error === 'string') return error;
    if (message.status === 'failed') return 'marked failed';
  }
  return undefined;
}

async function observeWebhook(
  side: DriftSide,
  probe: WebhookProbe,
  fixture: DriftFixture,
  receiver: WebhookReceiver,
  options: ObserveOptions,
): Promise<Observation> {
  const find = () => receiver.received.find((hook) => hook.path === side.webhookPath && (hook.json as { event?: unknown } | undefined)?.event === probe.event);
  try {
    const hook = await waitFor(find, { timeoutMs: options.webhookTimeoutMs, intervalMs: 50, description: `${probe.event} at ${side.receiverUrl}` });
    return { text: hook.text, json: hook.json, headers: hook.headers };
  } catch {
    // Why it did not come: Chatwoot marks the message failed with its reason (chatwoot-3.10-4.x.md §4.3).
    const conversation = fixture.conversations.get('a');
    const messages =
      conversation === undefined
        ? undefined
        : await send(side, { method: 'GET', path: `/api/v1/accounts/${fixture.accountId}/conversations/${conversation}/messages` }, options.timeoutMs).catch(
            () => undefined,
          );
    const reason = messages ? deliveryFailure(parse(messages.text)) : undefined;
    return { text: '', json: undefined, error: `no ${probe.event} webhook within ${options.webhookTimeoutMs} ms${reason ? ` (Chatwoot: ${reason})` : ''}` };
  }
}

/** Runs every probe against one side, in order; a probe whose setup is missing (an earlier create failed) is observed as such. */
export async function observeSide(
  side: DriftSide,
  probes: readonly DriftProbe[],
  receiver: WebhookReceiver,
  options: ObserveOptions,
): Promise<Map<string, Observation>> {
  const fixture: DriftFixture = {
    accountId: side.accountId,
    inboxId: 0,
    webhookUrl: `${side.receiverUrl}${side.webhookPath}`,
    contacts: new Map(),
    conversations: new Map(),
  };
  const observations = new Map<string, Observation>();
  for (const probe of probes) {
    observations.set(
      probe.id,
      probe.kind === 'rest' ? await observeRest(side, probe, fixture, options) : await observeWebhook(side, probe, fixture, receiver, options),
    );
  }
  return observations;
}
