import { request } from 'undici';
import { createMemorySink, type MemoryLogSink } from '../../../common/log-sink.ts';
import { waitFor } from '../../../common/wait-for.ts';
import type { StartedTwin } from '../../../model/twin-types.ts';
import type { EvolutionTwinVersion } from '../evolution-config.ts';
import { evolutionGeneration } from '../../../model/axes.ts';
import { kitDatabaseEnv } from './kit-database.ts';
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
  /** `/instance/create` with the Chatwoot link in this generation's style (snake_case on 1.7, camelCase + integration on 2.x). */
  createWithChatwoot(name: string, extra?: Record<string, unknown>): Promise<HttpAnswer>;
  webhook(name: string, body: unknown): Promise<HttpAnswer>;
  messagePosts(): RecordedCall[];
  /** Waits until a message POST whose `content` part satisfies the predicate was recorded. */
  waitForMessage(predicate: (content: string) => boolean, description: string): Promise<RecordedCall>;
  close(): Promise<void>;
}

/** The 1.7 `/instance/create` body with a Chatwoot link (evolution-api-1.7.md §2.3). */
export function snakeCaseCreateBody(name: string, chatwootUrl: string): Record<string, unknown> {
  return {
    instanceName: name,
    chatwoot_account_id: '1',
    chatwoot_token: KIT_TOKEN,
    chatwoot_url: chatwootUrl,
    chatwoot_sign_msg: true,
    chatwoot_reopen_conversation: true,
    chatwoot_conversation_pending: false,
  };
}

/** The 2.x body (evolution-api-2.x.md §0.4): camelCase, `chatwootAccountId` a string, `integration` required. */
export function camelCaseCreateBody(name: string, chatwootUrl: string): Record<string, unknown> {
  return {
    instanceName: name,
    integration: 'WHATSAPP-BAILEYS',
    chatwootAccountId: '1',
    chatwootToken: KIT_TOKEN,
    chatwootUrl,
    chatwootSignMsg: true,
    chatwootReopenConversation: true,
    chatwootConversationPending: false,
  };
}

/** Env every 2.x kit twin starts with: the preconditions of the 2.x grid (evolution-api-2.x.md, grid). */
export const GEN2_KIT_ENV: Record<string, string> = {
  CHATWOOT_ENABLED: 'true',
  CACHE_REDIS_ENABLED: 'false',
  CHATWOOT_IMPORT_DATABASE_CONNECTION_URI: '',
};

export function contentOf(call: RecordedCall): string | undefined {
  return call.parts?.find((part) => part.name === 'content')?.data.toString('utf8');
}

export async function startKit(options: {
  version: EvolutionTwinVersion;
  recorder?: Partial<RecordingChatwootOptions>;
  /** An undefined value unsets a kit default (on 2.x: the image's `.env` value applies). */
  env?: Record<string, string | undefined>;
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
      ...(evolutionGeneration(options.version) === '2' ? { ...GEN2_KIT_ENV, ...(await kitDatabaseEnv()) } : {}),
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
        body:
          evolutionGeneration(options.version) === '2'
            ? { ...camelCaseCreateBody(name, recorder.url), ...extra }
            : { ...snakeCaseCreateBody(name, recorder.url), ...extra },
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
