/**
 * Helpers for the Chatwoot twin's own tests: start a twin on loopback, bootstrap an account over
 * HTTP like a real install, talk to it with undici, and record webhooks with a real HTTP server.
 * Not used by production code.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { createMemorySink, type MemoryLogSink } from '../../../common/log-sink.ts';
import { waitFor } from '../../../common/wait-for.ts';
import type { ChatwootVersion } from '../../../model/axes.ts';
import { startChatwootTwin, type StartedChatwootTwin } from '../start-chatwoot-twin.ts';

export const VERSIONS: readonly ChatwootVersion[] = ['3.7.0', '3.8.0', '3.9.0'];
export const PASSWORD = 'Harness#2024';

export interface TestTwin {
  twin: StartedChatwootTwin;
  url: string;
  log: MemoryLogSink;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts a twin of `version`; FRONTEND_URL defaults to the twin's own URL so data_urls are fetchable. Signup is on
 * for every profile: the env var up to 4.2.x, the installation config (its twin knob) from 4.3.0 (§M 1), as `api_only`
 * so 4.13.0+ still answer with a session (§M 2).
 */
export async function startTestTwin(version: ChatwootVersion, env: Record<string, string> = {}): Promise<TestTwin> {
  const port = await freePort();
  const log = createMemorySink();
  const twin = await startChatwootTwin({
    env: {
      TWIN_VERSION: version,
      ENABLE_ACCOUNT_SIGNUP: 'api_only',
      TWIN_INSTALLATION_ENABLE_ACCOUNT_SIGNUP: 'api_only',
      FRONTEND_URL: `http://127.0.0.1:${port}`,
      ...env,
    },
    port,
    log,
  });
  return { twin, url: twin.url, log };
}

/**
 * A parsed JSON body (the twin's answer, a recorded webhook) as the tests read it: any path may be followed, and the
 * `expect` after it is the check (the reason eslint.config.js turns the no-unsafe-* rules off for tests).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one place the test kit names JSON.parse's own `any`
export type JsonBody = any;

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: JsonBody;
}

export interface CallOptions {
  token?: string;
  json?: unknown;
  headers?: Record<string, string>;
  body?: string | Buffer | Readable;
}

export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token !== undefined) headers.api_access_token = options.token;
  let body: CallOptions['body'];
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else {
    body = options.body;
  }
  const response = await request(`${base}${path}`, { method: method as 'GET', headers, body });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}

export interface Account {
  token: string;
  accountId: number;
  userId: number;
}

let emailCounter = 0;

/** `POST /api/v1/accounts` (ENABLE_ACCOUNT_SIGNUP api_only/true), the matrix harness's bootstrap path. */
export async function signup(base: string, options: { locale?: string; email?: string } = {}): Promise<Account> {
  const query = options.locale ? `?locale=${options.locale}` : '';
  const email = options.email ?? `admin${++emailCounter}-${Date.now()}@harness.test`;
  const answer = await call(base, 'POST', `/api/v1/accounts${query}`, {
    json: { account_name: 'Harness', user_full_name: 'Harness Admin', email, password: PASSWORD },
  });
  if (answer.status !== 200) throw new Error(`signup failed: ${answer.status} ${answer.text}`);
  return { token: answer.json.data.access_token, accountId: answer.json.data.account_id, userId: answer.json.data.id };
}

export async function createInbox(base: string, account: Account, name = 'evolution', webhookUrl = ''): Promise<JsonBody> {
  const answer = await call(base, 'POST', `/api/v1/accounts/${account.accountId}/inboxes/`, {
    token: account.token,
    json: { name, channel: { type: 'api', webhook_url: webhookUrl } },
  });
  if (answer.status !== 200) throw new Error(`inbox failed: ${answer.status} ${answer.text}`);
  return answer.json;
}

export async function createContact(base: string, account: Account, body: Record<string, unknown>): Promise<JsonBody> {
  const answer = await call(base, 'POST', `/api/v1/accounts/${account.accountId}/contacts`, { token: account.token, json: body });
  if (answer.status !== 200) throw new Error(`contact failed: ${answer.status} ${answer.text}`);
  return answer.json.payload.contact;
}

export async function createConversation(base: string, account: Account, body: Record<string, unknown>): Promise<JsonBody> {
  const answer = await call(base, 'POST', `/api/v1/accounts/${account.accountId}/conversations`, { token: account.token, json: body });
  if (answer.status !== 200) throw new Error(`conversation failed: ${answer.status} ${answer.text}`);
  return answer.json;
}

/** An account with one API inbox, one contact and one open conversation. */
export async function seedConversation(base: string, webhookUrl = '', options: { locale?: string } = {}) {
  const account = await signup(base, options);
  const inbox = await createInbox(base, account, 'evolution', webhookUrl);
  const contact = await createContact(base, account, {
    inbox_id: inbox.id,
    name: 'Maria',
    phone_number: '+5511987654321',
    identifier: '5511987654321@s.whatsapp.net',
  });
  const conversation = await createConversation(base, account, { contact_id: String(contact.id), inbox_id: String(inbox.id) });
  return { account, inbox, contact, conversation };
}

export interface MultipartPart {
  name: string;
  value: string | Buffer;
  filename?: string;
  contentType?: string;
}

/**
 * A multipart body exactly as Evolution's SDK puts it on the wire (evolution-api-1.7.md [ran]):
 * streamed (Transfer-Encoding: chunked, no Content-Length), lower-case `content-type`, and parts
 * carrying only Content-Disposition unless a contentType is given.
 */
export function sdkMultipart(parts: MultipartPart[]): { headers: Record<string, string>; body: Readable } {
  const boundary = `--------------------------${Date.now()}${Math.floor(Math.random() * 1e9)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.contentType) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    // A stream without a known length: undici sends it with Transfer-Encoding: chunked.
    body: Readable.from(chunks),
  };
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: JsonBody;
  /** The body exactly as received (what a signature is computed over). */
  raw: string;
  receivedAt: number;
}

export interface Recorder {
  url: string;
  requests: RecordedRequest[];
  events(): string[];
  waitForCount(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** With `hold`: requests received and not answered yet. */
  held(): number;
  /** With `hold`: answers every held request (and stops holding). */
  release(): void;
  close(): Promise<void>;
}

/**
 * A real HTTP receiver for webhooks: answers `status` after `delayMs` (or, with `hold`, only when
 * release() is called) and records every request.
 */
export async function startRecorder(options: { status?: number; delayMs?: number; hold?: boolean } = {}): Promise<Recorder> {
  const requests: RecordedRequest[] = [];
  const heldAnswers: (() => void)[] = [];
  let holding = options.hold ?? false;
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep text
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, raw: text, receivedAt: Date.now() });
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(options.status ?? 200, { 'content-type': 'application/json' });
        res.end('{}');
      };
      if (holding) heldAnswers.push(answer);
      else if (options.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, options.delayMs);
        timers.add(timer);
      } else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chatwoot/webhook/test`;
  return {
    url,
    requests,
    events: () => requests.map((r) => (r.body as { event?: string }).event ?? '?'),
    waitForCount: (count, timeoutMs = 10_000) =>
      waitFor(() => (requests.length >= count ? requests.slice(0, count) : undefined), {
        timeoutMs,
        description: `${count} webhook request(s) at ${url}`,
      }),
    held: () => heldAnswers.length,
    release: () => {
      holding = false;
      for (const answer of heldAnswers.splice(0)) answer();
    },
    close: async () => {
      heldAnswers.length = 0;
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
