import { Agent, request } from 'undici';
import type { Redactor } from '../../common/redact.ts';
import { ErrorCodes, HarnessError, ExitCodes, InfrastructureError } from '../../errors/index.ts';
import type { Exchange } from '../../model/result-schema.ts';

export type ProbeLink = 'harness->chatwoot' | 'harness->evolution' | 'harness->storage';
export type ProbeMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ProbeRequest {
  link: ProbeLink;
  method: ProbeMethod;
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON with content-type application/json. */
  json?: unknown;
  /**
   * For a POST that only reads (Chatwoot's filter endpoints): why it changes nothing. Required for
   * any non-GET request while writes are not allowed; recorded with the exchange.
   */
  readOnly?: string;
  /** Overrides the client's per-probe timeout. */
  timeoutMs?: number;
}

export interface ProbeResponse {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  text: string;
  durationMs: number;
  /** The recorded (redacted) exchange. */
  exchange: Exchange;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
  /** True when the answer is an HTML page (a login page or a proxy's error page, not an API). */
  isHtml: boolean;
}

/** The service did not answer at all: refused, unknown host, timed out. */
export class ProbeUnreachableError extends InfrastructureError {
  readonly exchange: Exchange;
  constructor(message: string, exchange: Exchange) {
    super(ErrorCodes.serviceUnreachable, message, { details: { url: exchange.request.url } });
    this.exchange = exchange;
  }
}

/** A probe tried to write without --allow-writes: a bug in a check, never a user error. */
export class WriteRefusedError extends HarnessError {
  constructor(method: string, url: string) {
    super(ErrorCodes.internal, ExitCodes.infrastructure, `refused ${method} ${url}: writes are not allowed (read-only mode)`);
  }
}

export interface ProbeClientOptions {
  redactor: Redactor;
  /** Per-probe deadline in milliseconds. */
  timeoutMs: number;
  allowWrites: boolean;
  now?: () => number;
  /** Recorded bodies are cut to this many characters. */
  maxBodyChars?: number;
}

export interface ProbeClient {
  send(probe: ProbeRequest): Promise<ProbeResponse>;
  /** Every exchange so far, in order, redacted. */
  exchanges(): Exchange[];
  readonly allowWrites: boolean;
  close(): Promise<void>;
}

const READ_METHODS: readonly ProbeMethod[] = ['GET', 'HEAD'];

function describeTransportError(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError' || err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT') {
    return `no answer within ${timeoutMs} ms`;
  }
  const code = err.code ?? err.cause?.code;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found (DNS)',
    EAI_AGAIN: 'host not found (DNS, temporary)',
    ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    UND_ERR_SOCKET: 'connection closed by the server',
    ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  };
  if (code && known[code]) return `${known[code]} (${code})`;
  return err.message ?? String(error);
}

/**
 * The doctor's HTTP client: one request per probe, never following redirects (a 302 is evidence),
 * bounded by a per-probe deadline, every exchange recorded and redacted. It refuses anything but
 * GET/HEAD unless writes are allowed or the request says why it only reads.
 */
export function createProbeClient(options: ProbeClientOptions): ProbeClient {
  const now = options.now ?? Date.now;
  const maxBody = options.maxBodyChars ?? 8_192;
  const agent = new Agent({ keepAliveTimeout: 1_000, connections: 8 });
  const recorded: Exchange[] = [];
  let counter = 0;
  const redact = options.redactor;
  const cut = (text: string) => ({ body: redact.text(text.length > maxBody ? text.slice(0, maxBody) : text), bodyTruncated: text.length > maxBody });

  async function send(probe: ProbeRequest): Promise<ProbeResponse> {
    if (!READ_METHODS.includes(probe.method) && !options.allowWrites && !probe.readOnly) {
      throw new WriteRefusedError(probe.method, redact.text(probe.url));
    }
    const timeoutMs = probe.timeoutMs ?? options.timeoutMs;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'evochat-matrix-doctor', ...probe.headers };
    let body: string | undefined;
    if (probe.json !== undefined) {
      body = JSON.stringify(probe.json);
      headers['content-type'] = 'application/json';
    }
    const id = `probe-${++counter}`;
    const startedAt = new Date(now()).toISOString();
    const started = now();
    const requestRecord = {
      method: probe.method,
      url: redact.text(probe.url),
      headers: redact.headers(probe.readOnly ? { ...headers, 'x-evochat-read-only': probe.readOnly } : headers),
      ...cut(body ?? ''),
    };
    try {
      const response = await request(probe.url, {
        method: probe.method,
        headers,
        body,
        dispatcher: agent,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await response.body.text();
      const durationMs = now() - started;
      let json: unknown;
      if (/^\s*[{[]/.test(text)) {
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
      }
      // Tokens Evolution or Chatwoot echo (fetchInstances, /chatwoot/find, profile) are secrets too:
      // register them before the body is recorded.
      // One list of credential keys for every path (src/common/credential-keys.ts).
      redact.learn(text, response.headers['content-type']?.toString());
      const responseHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) responseHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      const exchange: Exchange = {
        id,
        link: probe.link,
        startedAt,
        durationMs,
        request: requestRecord,
        response: { status: response.statusCode, headers: redact.headers(responseHeaders), ...cut(text) },
      };
      recorded.push(exchange);
      const contentType = responseHeaders['content-type'] ?? '';
      const isHtml = /text\/html/i.test(contentType) || /^\s*(<!doctype html|<html)/i.test(text);
      return { status: response.statusCode, headers: responseHeaders, text, durationMs, exchange, json, isHtml };
    } catch (error) {
      const reason = describeTransportError(error, timeoutMs);
      const exchange: Exchange = {
        id,
        link: probe.link,
        startedAt,
        durationMs: now() - started,
        request: requestRecord,
        response: null,
        error: reason,
      };
      recorded.push(exchange);
      throw new ProbeUnreachableError(`${probe.method} ${redact.text(probe.url)}: ${reason}`, exchange);
    }
  }

  return {
    send,
    exchanges: () => [...recorded],
    allowWrites: options.allowWrites,
    close: () => agent.close(),
  };
}
