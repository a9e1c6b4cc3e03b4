import { request } from 'undici';
import { createMemorySink, type MemoryLogSink } from '../../../common/log-sink.ts';
import { waitFor } from '../../../common/wait-for.ts';
import type { StartedTwin } from '../../../model/twin-types.ts';
import type { EvolutionTwinVersion } from '../evolution-config.ts';
import { startEvolutionTwin } from '../start-evolution-twin.ts';
import { startRecordingChatwoot, type RecordedCall, type RecordingChatwoot, type RecordingChatwootOptions } from './recording-chatwoot-server.ts';
import { normaliseLog } from './call-sequence-fixture.ts';
import { WHATSAPP_CONTROL_PREFIX } from '../../whatsapp/whatsapp-control-api.ts';

/** Helpers for the Evolution twin's own tests: a twin plus a recording Chatwoot, all over real HTTP. */
export const KIT_API_KEY = 'kit-global-key';
export const KIT_TOKEN = 'kit-token';

export interface HttpAnswer {
  status: number;
  text: string;
  json: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export async function http(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  options: { body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<HttpAnswer> {
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await request(url, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    body,
  });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, text, json, headers: response.headers };
}

export interface Kit {
  twin: StartedTwin;
  recorder: RecordingChatwoot;
  sink: MemoryLogSink;
  /** ANSI-free, space-collapsed log text. */
  logText(): string;
  api(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpAnswer>;
  control(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<HttpAnswer>;
  createWithChatwoot(name: string, extra?: Record<string, unknown>): Promise<HttpAnswer>;
  webhook(name: string, body: unknown): Promise<HttpAnswer>;
  messagePosts(): RecordedCall[];
  /** Waits until a message POST whose `content` part satisfies the predicate was recorded. */
  waitForMessage(predicate: (content: string) => boolean, description: string): Promise<RecordedCall>;
  close(): Promise<void>;
}

export function contentOf(call: RecordedCall): string | undefined {
  return call.parts?.find((part) => part.name === 'content')?.data.toString('utf8');
}

export async function startKit(options: {
  version: EvolutionTwinVersion;
  recorder?: Partial<RecordingChatwootOptions>;
  env?: Record<string, string>;
  recorderInstance?: RecordingChatwoot;
}): Promise<Kit> {
  const recorder = options.recorderInstance ?? (await startRecordingChatwoot({ filterStyle: '3.7', ...options.recorder }));
  const sink = createMemorySink();
  const twin = await startEvolutionTwin({
    env: {
      TWIN_VERSION: options.version,
      SERVER_URL: 'http://127.0.0.1:8080',
      AUTHENTICATION_API_KEY: KIT_API_KEY,
      TWIN_QR_REFRESH_MS: '60000',
      ...options.env,
    },
    port: 0,
    log: sink,
  });
  const messagePosts = () => recorder.calls().filter((c) => c.method === 'POST' && /\/conversations\/\d+\/messages$/.test(c.path));
  const kit: Kit = {
    twin,
    recorder,
    sink,
    logText: () => normaliseLog(sink.lines()),
    api: (method, path, body, headers = {}) => http(method, `${twin.url}${path}`, { body, headers }),
    control: (method, path, body) => http(method, `${twin.url}${WHATSAPP_CONTROL_PREFIX}${path}`, { body }),
    createWithChatwoot: (name, extra = {}) =>
      http('POST', `${twin.url}/instance/create`, {
        headers: { apikey: KIT_API_KEY },
        body: {
          instanceName: name,
          chatwoot_account_id: '1',
          chatwoot_token: KIT_TOKEN,
          chatwoot_url: recorder.url,
          chatwoot_sign_msg: true,
          chatwoot_reopen_conversation: true,
          chatwoot_conversation_pending: false,
          ...extra,
        },
      }),
    webhook: (name, body) => http('POST', `${twin.url}/chatwoot/webhook/${encodeURIComponent(name)}`, { body }),
    messagePosts,
    waitForMessage: (predicate, description) =>
      waitFor(() => messagePosts().find((call) => predicate(contentOf(call) ?? '')), { timeoutMs: 10_000, intervalMs: 20, description }),
    close: async () => {
      await twin.close();
      if (!options.recorderInstance) await recorder.close();
    },
  };
  return kit;
}
