import { z } from 'zod';
import { createRedactor } from '../common/redact.ts';
import { stdoutSink } from '../common/log-sink.ts';
import { ConfigError } from '../errors/index.ts';
import type { StartedTwin, TwinStartOptions } from '../model/twin-types.ts';
import { createLatencyProxy, MAX_LATENCY_MS } from './latency-proxy.ts';
import { createRecordingProxy } from './recording-proxy.ts';

/**
 * Environment of the `proxy` twin role (how the docker backend runs a proxy as a container):
 * - TWIN_PROXY_UPSTREAM  origin to forward to, e.g. http://chatwoot:3000 (required)
 * - TWIN_PROXY_LINK      link label for recorded exchanges, e.g. evolution->chatwoot (record kind)
 * - TWIN_PROXY_KIND      record (default) | latency
 * - TWIN_PROXY_DELAY_MS  initial delay of the latency kind (default 0; settable via /__evochat/latency)
 * - TWIN_PROXY_REDACT    comma-separated secret values to redact from served exchanges, besides secret headers
 * - TWIN_PROXY_UPSTREAM_KEEPS_IDLE  true when the upstream never closes an idle connection (a twin): connections to
 *                        it are then reused (RecordingProxyOptions.upstreamKeepsIdleConnections); default false
 * - PORT                 listen port (default 8000)
 */
const ProxyTwinEnv = z.object({
  TWIN_PROXY_UPSTREAM: z.string().url(),
  TWIN_PROXY_LINK: z.string().min(1).default('unlabelled'),
  TWIN_PROXY_KIND: z.enum(['record', 'latency']).default('record'),
  TWIN_PROXY_DELAY_MS: z.coerce.number().int().min(0).max(MAX_LATENCY_MS).default(0),
  TWIN_PROXY_REDACT: z.string().optional(),
  TWIN_PROXY_UPSTREAM_KEEPS_IDLE: z.enum(['true', 'false']).default('false'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
});

export async function startProxyTwin(options: TwinStartOptions): Promise<StartedTwin> {
  const parsed = ProxyTwinEnv.safeParse(options.env);
  if (!parsed.success) {
    throw new ConfigError(
      'invalid proxy twin environment',
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  const env = parsed.data;
  const log = options.log ?? stdoutSink;
  const port = options.port ?? env.PORT;
  const host = options.host ?? '127.0.0.1';

  if (env.TWIN_PROXY_KIND === 'latency') {
    const proxy = await createLatencyProxy({ upstream: env.TWIN_PROXY_UPSTREAM, delayMs: env.TWIN_PROXY_DELAY_MS, host, port, log });
    log.write(`[latency-proxy] listening on ${proxy.port}, forwarding to ${env.TWIN_PROXY_UPSTREAM}`);
    return { role: 'proxy', version: undefined, url: proxy.url, port: proxy.port, close: () => proxy.close() };
  }
  const redactor = createRedactor(env.TWIN_PROXY_REDACT?.split(',') ?? []);
  const proxy = await createRecordingProxy({
    upstream: env.TWIN_PROXY_UPSTREAM,
    upstreamKeepsIdleConnections: env.TWIN_PROXY_UPSTREAM_KEEPS_IDLE === 'true',
    link: env.TWIN_PROXY_LINK,
    redactor,
    host,
    port,
    log,
    now: options.now,
  });
  log.write(`[proxy ${env.TWIN_PROXY_LINK}] listening on ${proxy.port}, forwarding to ${env.TWIN_PROXY_UPSTREAM}`);
  return { role: 'proxy', version: undefined, url: proxy.url, port: proxy.port, close: () => proxy.close() };
}
