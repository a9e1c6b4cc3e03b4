import type { Socket } from 'node:net';
import { z } from 'zod';
import type { LogSink } from '../common/log-sink.ts';
import { listenOn } from '../common/serve-app.ts';
import { UsageError } from '../errors/index.ts';
import { CONTROL_PREFIX } from '../model/harness-wire.ts';
import { forwardHttp, parseUpstream } from './forward-http.ts';
import { createProxyServer, createUpstreamAgents } from './proxy-connections.ts';

/** Upper bound of an injected delay: a fault should be slow, never hang a run. */
export const MAX_LATENCY_MS = 30_000;
/** The control API takes `{"delayMs": n, "methods"?: [...]}`; a larger body is refused (413), not held. */
const MAX_CONTROL_BODY_BYTES = 64 * 1024;

/** `methods` limits the delay to requests of those methods (e.g. the reads of an object store); absent: every request. */
export const LatencySetting = z.object({
  delayMs: z.number().int().min(0).max(MAX_LATENCY_MS),
  methods: z
    .array(z.enum(['GET', 'HEAD', 'PUT', 'POST', 'DELETE']))
    .min(1)
    .optional(),
});
export type LatencySetting = z.infer<typeof LatencySetting>;

export interface LatencyProxyOptions {
  upstream: string;
  delayMs?: number;
  host?: string;
  port?: number;
  log?: LogSink;
}

export interface LatencyProxy {
  url: string;
  port: number;
  /** `PUT`/`GET` this URL with `{"delayMs": n, "methods"?: [...]}` to change / read the delay. */
  controlUrl: string;
  readonly delayMs: number;
  /** The methods the delay applies to; undefined: every request. */
  readonly methods: readonly string[] | undefined;
  setDelay(delayMs: number, methods?: LatencySetting['methods']): void;
  close(): Promise<void>;
}

/**
 * An HTTP proxy that holds every request (or those of the methods set) for a settable time before forwarding it (used between
 * Chatwoot and its object store for the slow-storage fault). Control: `GET|PUT /__evochat/latency`.
 */
export async function createLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
  const target = parseUpstream(options.upstream);
  const agents = createUpstreamAgents();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let delayMs = 0;
  let methods: readonly string[] | undefined;
  const setDelay = (value: number, onlyMethods?: LatencySetting['methods']) => {
    const parsed = LatencySetting.safeParse({ delayMs: value, methods: onlyMethods });
    if (!parsed.success) throw new UsageError(`latency must be an integer 0-${MAX_LATENCY_MS} ms, got ${value}`);
    delayMs = parsed.data.delayMs;
    methods = parsed.data.methods;
    options.log?.write(`[latency-proxy] delay set to ${delayMs} ms${methods ? ` for ${methods.join('/')} requests` : ''}`);
  };
  const setting = () => ({ delayMs, methods });
  if (options.delayMs !== undefined) setDelay(options.delayMs);

  const server = createProxyServer((req, res) => {
    if ((req.url ?? '').startsWith(`${CONTROL_PREFIX}latency`)) {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (req.method === 'GET') return reply(200, setting());
      if (req.method !== 'PUT' && req.method !== 'POST') return reply(405, { error: 'use GET or PUT' });
      // The control body is a few bytes of JSON: anything past the cap is read off and dropped, never held.
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_CONTROL_BODY_BYTES) chunks.push(chunk);
        else chunks.length = 0;
      });
      req.on('end', () => {
        if (size > MAX_CONTROL_BODY_BYTES) return reply(413, { error: `control body over ${MAX_CONTROL_BODY_BYTES} bytes` });
        try {
          const parsed = LatencySetting.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
          if (!parsed.success) return reply(400, { error: `body must be {"delayMs": 0-${MAX_LATENCY_MS}, "methods"?: ["GET", ...]}` });
          setDelay(parsed.data.delayMs, parsed.data.methods);
          reply(200, setting());
        } catch {
          reply(400, { error: 'body must be JSON' });
        }
      });
      return;
    }
    const delayed = methods === undefined || methods.includes(req.method ?? '');
    forwardHttp(req, res, { target, agents, delayMs: delayed ? delayMs : 0, timers });
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
    controlUrl: `${url}${CONTROL_PREFIX}latency`,
    get delayMs() {
      return delayMs;
    },
    get methods() {
      return methods;
    },
    setDelay,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        agents.http.destroy();
        agents.https.destroy();
      });
      return closing;
    },
  };
}
