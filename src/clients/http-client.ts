import { request, FormData } from 'undici';
import type { z } from 'zod';
import { createRedactor, type Redactor } from '../common/redact.ts';
import { credentialValues, isLearnable } from '../common/redact-json.ts';
import { ErrorCodes, HarnessError, ExitCodes, InfrastructureError } from '../errors/index.ts';
import { HARNESS_LINK_HEADER, HARNESS_LINK_VALUE, HARNESS_SCENARIO_HEADER } from '../model/harness-wire.ts';
import { formatScenarioTag } from '../model/harness-wire.ts';
import type { ExchangeScenario } from '../model/result-schema.ts';

const MAX_ERROR_BODY_CHARS = 2000;

/**
 * A product answered, but not as the call expected (non-2xx, or a body that does not parse as the
 * documented shape). Scenarios count it as a break: the product misbehaved, the service was up.
 */
export class ApiResponseError extends HarnessError {
  readonly status: number;
  /** Redacted, cut to a readable length. */
  readonly body: string;
  readonly service: string;
  readonly method: string;
  /** Path and query, redacted. */
  readonly path: string;

  constructor(init: { service: string; method: string; path: string; status: number; body: string; reason?: string }) {
    super(
      ErrorCodes.upstreamResponse,
      ExitCodes.unexpected,
      `${init.service} answered ${init.method} ${init.path} with ${init.status}${init.reason ? ` (${init.reason})` : ''}: ${init.body}`,
      { details: { service: init.service, method: init.method, path: init.path, status: init.status, body: init.body } },
    );
    this.status = init.status;
    this.body = init.body;
    this.service = init.service;
    this.method = init.method;
    this.path = init.path;
  }
}

/** The service did not answer at all (refused, reset, timeout): infrastructure, never a product verdict. */
export class ServiceUnreachableError extends InfrastructureError {
  readonly service: string;
  constructor(service: string, method: string, path: string, cause: unknown) {
    const code = (cause as { code?: string })?.code ?? (cause as { cause?: { code?: string } })?.cause?.code;
    const message = cause instanceof Error ? cause.message : String(cause);
    super(ErrorCodes.serviceUnreachable, `${service} did not answer ${method} ${path}: ${code ? `${code} ` : ''}${message}`, {
      details: { service, method, path, code },
      cause,
    });
    this.service = service;
  }
}

export interface FilePart {
  name: string;
  contentType: string;
  data: Uint8Array;
}

export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  /** multipart/form-data: string fields, and files under their field names (e.g. `attachments[]`). */
  form?: { fields: Record<string, string | undefined>; files?: { field: string; file: FilePart }[] };
  headers?: Record<string, string>;
  /** Leave out the client's default headers (e.g. to send a request without the token). */
  omitDefaultHeaders?: boolean;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
  durationMs: number;
}

export interface HttpClientOptions {
  baseUrl: string;
  /** Name used in messages, e.g. "chatwoot". */
  service: string;
  defaultHeaders?: Record<string, string>;
  redactor?: Redactor;
  timeoutMs?: number;
  /** The scenario this client works for: every request names it, so its recorded exchanges are its evidence alone. */
  scenario?: ExchangeScenario;
  /**
   * Reuse connections (undici closes them after 4 s idle). Only toward a server that never closes an idle connection
   * itself (the harness's proxies and twins, CellStack.keepAlive): elsewhere a server closing one for idleness while
   * its event loop is busy resets a request already sent on it (proxy-connections.ts). Default: one connection per call.
   */
  keepAlive?: boolean;
}

export interface HttpClient {
  readonly baseUrl: string;
  /** Any answer, any status: for scenarios that assert on error responses. */
  raw(call: HttpCall): Promise<RawResponse>;
  /** A 2xx answer parsed with `schema`; anything else throws ApiResponseError. */
  json<T extends z.ZodType>(call: HttpCall, schema: T): Promise<z.infer<T>>;
}

function headerRecord(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/**
 * undici-based JSON client every typed client builds on: tags its traffic as the harness's
 * (the recording proxies label it `harness->…`) and as its scenario's, maps transport failures to ServiceUnreachableError
 * and unexpected answers to ApiResponseError, with secrets redacted from both.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const redactor = options.redactor ?? createRedactor();
  const timeoutMs = options.timeoutMs ?? 15_000;
  const keepAlive = options.keepAlive === true;

  const raw = async (call: HttpCall): Promise<RawResponse> => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(call.query ?? {})) if (value !== undefined) query.set(key, String(value));
    const path = `${call.path}${query.size > 0 ? `?${query}` : ''}`;
    const headers: Record<string, string> = {
      [HARNESS_LINK_HEADER]: HARNESS_LINK_VALUE,
      ...(options.scenario ? { [HARNESS_SCENARIO_HEADER]: formatScenarioTag(options.scenario) } : {}),
      accept: 'application/json',
      ...(call.omitDefaultHeaders ? {} : options.defaultHeaders),
      ...call.headers,
    };
    let body: string | FormData | undefined;
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    } else if (call.form) {
      const form = new FormData();
      for (const [name, value] of Object.entries(call.form.fields)) if (value !== undefined) form.append(name, value);
      for (const { field, file } of call.form.files ?? []) form.append(field, new Blob([Buffer.from(file.data)], { type: file.contentType }), file.name);
      body = form;
    }
    // Whatever credential this call sends or gets back (an instance's hash.apikey, an inbox's hmac_token) is
    // redacted from the messages this client builds, wherever it appears in them.
    redactor.learnHeaders(headers);
    if (typeof body === 'string') redactor.learn(body, 'application/json');
    const started = performance.now();
    let response;
    try {
      // `reset`: one connection per call unless the server is known never to close an idle one (keepAlive above).
      response = await request(`${baseUrl}${path}`, { method: call.method, headers, body, reset: !keepAlive, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new ServiceUnreachableError(options.service, call.method, redactor.text(path), error);
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw new ServiceUnreachableError(options.service, call.method, redactor.text(path), error);
    }
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (json !== undefined) for (const value of credentialValues(json)) if (isLearnable(value)) redactor.add(value);
    return { status: response.statusCode, headers: headerRecord(response.headers), text, json, durationMs: performance.now() - started };
  };

  const fail = (call: HttpCall, response: RawResponse, reason?: string): never => {
    const body = redactor.text(response.text);
    throw new ApiResponseError({
      service: options.service,
      method: call.method,
      path: redactor.text(call.path),
      status: response.status,
      body: body.length > MAX_ERROR_BODY_CHARS ? `${body.slice(0, MAX_ERROR_BODY_CHARS)}…` : body,
      ...(reason ? { reason } : {}),
    });
  };

  return {
    baseUrl,
    raw,
    async json(call, schema) {
      const response = await raw(call);
      if (response.status < 200 || response.status >= 300) return fail(call, response);
      const parsed = schema.safeParse(response.json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return fail(call, response, `unexpected body shape at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
      }
      return parsed.data;
    },
  };
}
