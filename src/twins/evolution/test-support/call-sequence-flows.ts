import { request } from 'undici';
import { createMemorySink } from '../../../common/log-sink.ts';
import { waitFor } from '../../../common/wait-for.ts';
import type { EvolutionTwinVersion } from '../evolution-config.ts';
import { startEvolutionTwin } from '../start-evolution-twin.ts';
import { startRecordingChatwoot, type RecordedCall } from './recording-chatwoot-server.ts';
import { normaliseLog } from './call-sequence-fixture.ts';
import { evolutionProfile } from '../../../model/evolution-profiles.ts';
import { camelCaseCreateBody, GEN2_KIT_ENV, snakeCaseCreateBody } from './evolution-test-kit.ts';
import { kitDatabaseEnv } from './kit-database.ts';
import { WHATSAPP_CONTROL_PREFIX } from '../../whatsapp/whatsapp-control-api.ts';
import type { SentRecord } from '../../whatsapp/simulated-whatsapp.ts';

/**
 * The flows whose Evolution → Chatwoot call sequences are pinned as fixtures. Each run starts a
 * fresh recording Chatwoot and a fresh Evolution twin on real sockets, drives the flow over HTTP
 * (Evolution API, Chatwoot-style webhooks, the WhatsApp control API) and returns what was recorded
 * after the flow's own trigger.
 */
export const CALL_SEQUENCE_FLOWS = [
  'create',
  'status-command-3.7-style',
  'status-command-422-style',
  'qr',
  'qr-422-style',
  'inbound-text',
  'agent-reply',
  'agent-reply-not-on-whatsapp',
] as const;
export type CallSequenceFlow = (typeof CALL_SEQUENCE_FLOWS)[number];

export function chatwootStyleOf(flow: CallSequenceFlow): '3.7' | '3.8' {
  return flow.endsWith('422-style') ? '3.8' : '3.7';
}

export const FIXTURE_INSTANCE = 'fixture-inst';
export const FIXTURE_TOKEN = 'fixture-token';
export const FIXTURE_API_KEY = 'fixture-global-key';
/** Put into webhook_url only; nothing connects to it. */
export const FIXTURE_SERVER_URL = 'http://127.0.0.1:8080';
export const FIXTURE_CUSTOMER = '5511999990001';
export const FIXTURE_STRANGER = '5511888880002';

export interface FlowRun {
  calls: RecordedCall[];
  logs: string[];
  sent: SentRecord[];
  /** Bodies of the webhook answers Evolution gave during the flow's trigger. */
  webhookAnswers: unknown[];
}

async function call(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await request(url, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, json: text ? (JSON.parse(text) as unknown) : undefined };
}

const DEADLINE = { timeoutMs: 10_000, intervalMs: 20 };

function messagePosts(calls: RecordedCall[]): RecordedCall[] {
  return calls.filter((c) => c.method === 'POST' && /\/conversations\/\d+\/messages$/.test(c.path));
}

function partValue(call: RecordedCall, name: string): string | undefined {
  return call.parts?.find((part) => part.name === name)?.data.toString('utf8');
}

export function botWebhook(content: string, inboxName = FIXTURE_INSTANCE) {
  return {
    event: 'message_created',
    message_type: 'outgoing',
    content,
    private: false,
    id: 900,
    inbox: { id: 7, name: inboxName },
    sender: { id: 1, name: 'Agent Smith', type: 'user' },
    conversation: { id: 1, inbox_id: 7, meta: { sender: { id: 11, phone_number: '+123456', identifier: null } }, messages: [] },
  };
}

export function agentReplyWebhook(number: string, content: string, sourceId: string | null = null) {
  return {
    event: 'message_created',
    message_type: 'outgoing',
    content,
    private: false,
    id: 901,
    inbox: { id: 7, name: FIXTURE_INSTANCE },
    sender: { id: 1, name: 'Agent Smith', type: 'user' },
    conversation: {
      id: 2,
      inbox_id: 7,
      meta: { sender: { id: 12, phone_number: `+${number}`, identifier: null } },
      messages: [{ id: 901, content, source_id: sourceId, sender: { id: 1, available_name: 'Agent Smith' } }],
    },
  };
}

export async function runCallSequenceFlow(version: EvolutionTwinVersion, flow: CallSequenceFlow): Promise<FlowRun> {
  const profile = evolutionProfile(version);
  const recorder = await startRecordingChatwoot({ filterStyle: chatwootStyleOf(flow) });
  const sink = createMemorySink();
  const twin = await startEvolutionTwin({
    env: {
      TWIN_VERSION: version,
      SERVER_URL: FIXTURE_SERVER_URL,
      AUTHENTICATION_API_KEY: FIXTURE_API_KEY,
      TWIN_QR_REFRESH_MS: '60000',
      ...(profile.generation === '2' ? { ...GEN2_KIT_ENV, ...(await kitDatabaseEnv()) } : {}),
    },
    port: 0,
    log: sink,
  });
  const webhookAnswers: unknown[] = [];
  const control = `${twin.url}${WHATSAPP_CONTROL_PREFIX}`;
  const webhook = async (body: unknown) => {
    const answer = await call('POST', `${twin.url}/chatwoot/webhook/${FIXTURE_INSTANCE}`, body);
    return answer.json;
  };
  const logText = () => normaliseLog(sink.lines());
  try {
    const created = await call(
      'POST',
      `${twin.url}/instance/create`,
      {
        ...(profile.apiStyle === 'camelCase' ? camelCaseCreateBody(FIXTURE_INSTANCE, recorder.url) : snakeCaseCreateBody(FIXTURE_INSTANCE, recorder.url)),
        qrcode: true,
        ...(profile.apiStyle === 'camelCase' ? { chatwootToken: FIXTURE_TOKEN } : { chatwoot_token: FIXTURE_TOKEN }),
      },
      { apikey: FIXTURE_API_KEY },
    );
    if (created.status !== 201) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.json)}`);
    await waitFor(() => messagePosts(recorder.calls()).length >= 1, { ...DEADLINE, description: 'the init message' });
    if (flow === 'create') return { calls: recorder.calls(), logs: sink.lines(), sent: [], webhookAnswers };

    if (flow.startsWith('status-command')) {
      recorder.clear();
      webhookAnswers.push(await webhook(botWebhook('/status')));
      return { calls: recorder.calls(), logs: sink.lines(), sent: [], webhookAnswers };
    }

    // Every other flow starts a WhatsApp connection with the `init` command (§3a′).
    recorder.clear();
    webhookAnswers.push(await webhook(botWebhook('init')));
    const blockedAtFilter = profile.sendsContactIdFilter && chatwootStyleOf(flow) === '3.8';
    if (blockedAtFilter) {
      await waitFor(() => logText().includes('ERROR [ChatwootService] [object]'), { ...DEADLINE, description: 'the ChatwootService error' });
    } else {
      await waitFor(() => messagePosts(recorder.calls()).length >= 2, { ...DEADLINE, description: 'QR image and QR text' });
    }
    if (flow === 'qr' || flow === 'qr-422-style') return { calls: recorder.calls(), logs: sink.lines(), sent: [], webhookAnswers };

    const scanned = await call('POST', `${control}/instances/${FIXTURE_INSTANCE}/scan`, { number: '5511900000000', pushName: 'Fixture Phone' });
    if (scanned.status !== 200) throw new Error(`scan answered ${scanned.status}: ${JSON.stringify(scanned.json)}`);
    await waitFor(() => messagePosts(recorder.calls()).some((c) => partValue(c, 'content')?.startsWith('🚀')), {
      ...DEADLINE,
      description: 'the "connected" bot message',
    });

    const inject = async (id: string, text: string) => {
      const before = messagePosts(recorder.calls()).length;
      const injected = await call('POST', `${control}/instances/${FIXTURE_INSTANCE}/inbound`, { from: FIXTURE_CUSTOMER, pushName: 'Alice', id, text });
      if (injected.status !== 202) throw new Error(`inbound answered ${injected.status}: ${JSON.stringify(injected.json)}`);
      await waitFor(() => messagePosts(recorder.calls()).length > before, { ...DEADLINE, description: `relay of ${id}` });
    };

    if (flow === 'inbound-text') {
      recorder.clear();
      await inject('3EB0A1B2C3D4E5F60001', 'Hi *there*');
      await inject('3EB0A1B2C3D4E5F60002', 'again');
      return { calls: recorder.calls(), logs: sink.lines(), sent: [], webhookAnswers };
    }

    await inject('3EB0A1B2C3D4E5F60001', 'Hi *there*');
    recorder.clear();
    const sentLog = async () => ((await call('GET', `${control}/instances/${FIXTURE_INSTANCE}/sent`)).json as { messages: SentRecord[] }).messages;

    if (flow === 'agent-reply') {
      webhookAnswers.push(await webhook(agentReplyWebhook(FIXTURE_CUSTOMER, 'Hello **there**')));
      // Chatwoot echoes the WhatsApp-originated message back: skipped, nothing sent (§2.6 step 7).
      webhookAnswers.push(await webhook(agentReplyWebhook(FIXTURE_CUSTOMER, 'Hi **there**', 'WAID:3EB0A1B2C3D4E5F60001')));
      return { calls: recorder.calls(), logs: sink.lines(), sent: await sentLog(), webhookAnswers };
    }

    webhookAnswers.push(await webhook(agentReplyWebhook(FIXTURE_STRANGER, 'Are you there?')));
    // 1.7 and 2.1.2 post two private notes, 2.2.0+ one (profile.notOnWhatsapp).
    const notes = profile.notOnWhatsapp === 'not-sent-and-event' ? 2 : 1;
    await waitFor(() => messagePosts(recorder.calls()).length >= notes, { ...DEADLINE, description: `the private note(s) (${notes})` });
    return { calls: recorder.calls(), logs: sink.lines(), sent: await sentLog(), webhookAnswers };
  } finally {
    await twin.close();
    await recorder.close();
  }
}
