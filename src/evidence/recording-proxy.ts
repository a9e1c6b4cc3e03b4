import { createHmac, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { Socket } from 'node:net';
import { z } from 'zod';
import type { Redactor } from '../common/redact.ts';
import type { LogSink } from '../common/log-sink.ts';
import { listenOn } from '../common/serve-app.ts';
import type { Exchange } from '../model/result-schema.ts';
import { BodyCapture, DEFAULT_MAX_RECORDED_BODY_BYTES, renderBody } from './body-capture.ts';
import { ExchangeStore, learnExchangeSecrets } from './exchange-store.ts';
import { forwardHttp, parseUpstream, resetClientConnection, type UpstreamTarget } from './forward-http.ts';
import { probeUrl } from './probe.ts';
import { ProbeRequest } from '../model/probe-result.ts';
import { createProxyServer, createUpstreamAgents } from './proxy-connections.ts';
import { parseScenarioTag } from '../model/harness-wire.ts';
import type { CellClassifier, ExchangeFilter, RecordedExchange } from './evidence-types.ts';
import { CONTROL_PREFIX, HARNESS_LINK_HEADER, HARNESS_LINK_VALUE, HARNESS_SCENARIO_HEADER } from '../model/harness-wire.ts';

export interface RecordingProxyOptions {
  /**
   * Origin to forward to (`http(s)://host:port`); may be set later with setUpstream (the proxy URL is often needed first).
   * An https origin's certificate is verified against Node's CAs plus NODE_EXTRA_CA_CERTS.
   */
  upstream: string | undefined;
  /** Called with each exchange as it is recorded (unredacted: the caller's own bookkeeping, e.g. what was created upstream). */
  onExchange?: (exchange: Exchange) => void;
  /**
   * The upstream never closes an idle connection (a twin): then the proxy keeps its connections to it and closes them
   * itself after 1 s idle. Otherwise a fresh connection per request (proxy-connections.ts).
   */
  upstreamKeepsIdleConnections?: boolean;
  /** Send the upstream's own Host header, not the client's (a server someone else runs: its virtual host); always so for https. */
  originHost?: boolean;
  /**
   * Label of the link, e.g. `evolution->chatwoot`. Requests tagged by the harness become `harness-><target>`,
   * with the scenario their HARNESS_SCENARIO_HEADER names.
   */
  link: string;
  redactor: Redactor;
  classify?: CellClassifier;
  host?: string;
  port?: number;
  maxRecordedBodyBytes?: number;
  maxExchanges?: number;
  /** Prefix of exchange ids, unique per proxy so ids stay unique across a cell's links. */
  idPrefix?: string;
  log?: LogSink;
  now?: () => number;
}

export interface RecordingProxy {
  url: string;
  port: number;
  link: string;
  setUpstream(upstream: string): void;
  /** Recorded exchanges, redacted with the proxy's redactor. */
  exchanges(filter?: ExchangeFilter): RecordedExchange[];
  /** The same, unredacted: for an in-process reader that redacts itself (the evidence hub). */
  recorded(filter?: ExchangeFilter): RecordedExchange[];
  close(): Promise<void>;
}

const ExchangeQuery = z.object({
  since: z.string().optional(),
  after: z.string().regex(/^\d+$/, 'after must be a recording number (digits)').transform(Number).optional(),
  cell: z.string().optional(),
  link: z.string().optional(),
  failed: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((value) => value === 'true' || value === '1'),
  contains: z.string().optional(),
});

function headerRecord(rawHeaders: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    record[name] = record[name] === undefined ? rawHeaders[i + 1]! : `${record[name]}, ${rawHeaders[i + 1]!}`;
  }
  return record;
}

function targetOfLink(link: string): string {
  return link.includes('->') ? link.slice(link.indexOf('->') + 2) : link;
}

function describeTransportError(error: Error, target: UpstreamTarget | undefined): string {
  const code = (error as { code?: string }).code;
  const where = target ? ` ${target.authority}` : '';
  return code ? `${code}${where}: ${error.message}` : `${error.message}`;
}

/**
 * The receiver's check of a Chatwoot 4.13+ signed webhook (chatwoot-3.10-4.x.md §0.4): `sha256=<hex>` of
 * HMAC-SHA256(secret, "<X-Chatwoot-Timestamp>.<raw body>"), with any registered secret; undefined when there is nothing to check.
 */
export function checkWebhookSignature(headers: Record<string, string>, body: Buffer, secrets: Iterable<string>): { verified: boolean } | undefined {
  const signature = headers['x-chatwoot-signature'];
  const timestamp = headers['x-chatwoot-timestamp'];
  const keys = [...secrets];
  if (signature === undefined || timestamp === undefined || keys.length === 0) return undefined;
  const given = Buffer.from(signature);
  const verified = keys.some((secret) => {
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  return { verified };
}

const SigningSecret = z.object({ secret: z.string().min(1).max(512) });

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: http.IncomingMessage, limit = 64 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('control request body too large');
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/**
 * A reverse proxy that records what crosses one link. It forwards byte for byte and streams both
 * ways (chunked stays chunked, a large upload is never held in memory: only a capped copy is kept),
 * and a transport failure upstream reaches the client as a reset connection, as it would without the proxy.
 * Control API below `/__evochat/`: `GET exchanges?since=&cell=&link=&after=` (`after`: only those recorded after that
 * recording number; the answer's `recorded` is the newest number, the next cursor), `POST probe {url}`, `GET health`,
 * `POST webhook-secrets {secret}` (a webhook signing secret to check signed requests with; never recorded or echoed).
 */
export async function createRecordingProxy(options: RecordingProxyOptions): Promise<RecordingProxy> {
  const now = options.now ?? Date.now;
  const store = new ExchangeStore({ maxExchanges: options.maxExchanges });
  const maxBody = options.maxRecordedBodyBytes ?? DEFAULT_MAX_RECORDED_BODY_BYTES;
  const idPrefix = options.idPrefix ?? options.link.replace(/[^a-z0-9]+/gi, '-');
  const agents = createUpstreamAgents({ upstreamKeepsIdleConnections: options.upstreamKeepsIdleConnections === true });
  const sockets = new Set<Socket>();
  let target = options.upstream === undefined ? undefined : parseUpstream(options.upstream, { originHost: options.originHost });
  let sequence = 0;
  const signingSecrets = new Set<string>();

  const handleControl = async (req: http.IncomingMessage, res: http.ServerResponse, path: string, query: URLSearchParams) => {
    if (req.method === 'GET' && path === 'health') {
      sendJson(res, 200, { link: options.link, upstream: target?.authority ?? null });
    } else if (req.method === 'GET' && path === 'exchanges') {
      const { after, ...filter } = ExchangeQuery.parse(Object.fromEntries(query));
      const exchanges = after === undefined ? store.list(filter, options.redactor) : store.listAfter(after, filter, options.redactor);
      sendJson(res, 200, { link: options.link, dropped: store.dropped, recorded: store.recorded, exchanges });
    } else if (req.method === 'POST' && path === 'webhook-secrets') {
      const parsed = SigningSecret.safeParse(await readJson(req));
      if (!parsed.success) {
        sendJson(res, 400, { error: 'expected {"secret": "<inbox secret>"}' });
        return;
      }
      options.redactor.add(parsed.data.secret);
      signingSecrets.add(parsed.data.secret);
      sendJson(res, 200, { secrets: signingSecrets.size });
    } else if (req.method === 'POST' && path === 'probe') {
      const parsed = ProbeRequest.safeParse(await readJson(req));
      if (!parsed.success) {
        sendJson(res, 400, { error: 'invalid probe request', issues: parsed.error.issues });
        return;
      }
      const result = await probeUrl(parsed.data, now);
      sendJson(res, 200, {
        ...result,
        url: options.redactor.text(result.url),
        hops: result.hops.map((hop) => ({
          ...hop,
          url: options.redactor.text(hop.url),
          ...(hop.location ? { location: options.redactor.text(hop.location) } : {}),
        })),
      });
    } else {
      sendJson(res, 404, { error: `no control route ${req.method} ${CONTROL_PREFIX}${path}` });
    }
  };

  const server = createProxyServer((req, res) => {
    const rawUrl = req.url ?? '/';
    if (rawUrl.startsWith(CONTROL_PREFIX)) {
      const parsed = new URL(rawUrl, 'http://control');
      handleControl(req, res, parsed.pathname.slice(CONTROL_PREFIX.length), parsed.searchParams).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
        else res.destroy();
      });
      return;
    }

    const startedAtMs = now();
    const harnessTagged = String(req.headers[HARNESS_LINK_HEADER] ?? '').toLowerCase() === HARNESS_LINK_VALUE;
    const link = harnessTagged ? `harness->${targetOfLink(options.link)}` : options.link;
    const sentBy = harnessTagged ? parseScenarioTag(req.headers[HARNESS_SCENARIO_HEADER]) : undefined;
    const requestHeaders = headerRecord(req.rawHeaders);
    delete requestHeaders[HARNESS_LINK_HEADER];
    delete requestHeaders[HARNESS_SCENARIO_HEADER];
    const requestBody = new BodyCapture(maxBody);
    const responseBody = new BodyCapture(maxBody);
    let response: http.IncomingMessage | undefined;
    const id = `${idPrefix}-${++sequence}`;
    const cells = options.classify?.({ method: req.method ?? 'GET', url: rawUrl }) ?? [];

    const record = (error: Error | undefined) => {
      const responseHeaders = response ? headerRecord(response.rawHeaders) : {};
      const exchange: Exchange = {
        id,
        link,
        startedAt: new Date(startedAtMs).toISOString(),
        durationMs: Math.max(0, now() - startedAtMs),
        request: {
          method: req.method ?? 'GET',
          url: rawUrl,
          headers: requestHeaders,
          body: renderBody(requestBody, requestHeaders),
          bodyTruncated: requestBody.truncated,
        },
        response: response
          ? {
              status: response.statusCode ?? 0,
              headers: responseHeaders,
              body: renderBody(responseBody, responseHeaders),
              bodyTruncated: responseBody.truncated,
            }
          : null,
        ...(error ? { error: describeTransportError(error, target) } : {}),
        ...(sentBy ? { scenario: sentBy } : {}),
      };
      // Checked on the bytes as they came, before any redaction changes them (a truncated copy cannot be checked).
      const signature = requestBody.truncated ? undefined : checkWebhookSignature(requestHeaders, requestBody.buffer(), signingSecrets);
      if (signature) exchange.signature = signature;
      // Learned now, not on read: a log line or another exchange written before anyone reads this one may carry them.
      learnExchangeSecrets(exchange, options.redactor);
      store.add({ cells, exchange, startedAtMs });
      options.onExchange?.(exchange);
    };

    if (!target) {
      // No upstream yet: behave like a closed port would, as far as an HTTP server can.
      record(new Error('proxy has no upstream yet'));
      resetClientConnection(req.socket);
      return;
    }

    forwardHttp(req, res, {
      target,
      agents,
      onRequestChunk: (chunk) => requestBody.push(chunk),
      onResponseStart: (upstreamResponse) => {
        response = upstreamResponse;
      },
      onResponseChunk: (chunk) => responseBody.push(chunk),
      onDone: (error) => {
        record(error);
        if (error)
          options.log?.write(`[proxy ${options.link}] ${req.method} ${options.redactor.text(rawUrl)} failed: ${describeTransportError(error, target)}`);
      },
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const { port, url } = await listenOn(server, { host: options.host, port: options.port });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    link: options.link,
    setUpstream(upstream) {
      target = parseUpstream(upstream, { originHost: options.originHost });
    },
    exchanges: (filter) => store.list(filter, options.redactor),
    recorded: (filter) => store.list(filter),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        agents.http.destroy();
        agents.https.destroy();
      });
      return closing;
    },
  };
}
