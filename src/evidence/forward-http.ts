import http from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import { UsageError } from '../errors/index.ts';
import { HARNESS_LINK_HEADER, HARNESS_SCENARIO_HEADER } from '../model/harness-wire.ts';

/** Per-connection headers (and the harness's tags): they describe the client↔proxy hop, not the request, so they are not forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'upgrade', HARNESS_LINK_HEADER, HARNESS_SCENARIO_HEADER]);

export interface UpstreamTarget {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
  /** `host:port` as it appears in URLs (the port only when not the scheme's default), for messages and the origin's Host header. */
  authority: string;
  /**
   * Send the origin's own Host header instead of the client's. Always so for https (the name the certificate and the
   * server's virtual host answer to, as SNI says); for http where the caller asks (a server of someone else's).
   */
  originHost: boolean;
}

/** An origin `http(s)://host[:port]`; https is verified against the trusted CAs (Node's, plus NODE_EXTRA_CA_CERTS). */
export function parseUpstream(upstream: string, options: { originHost?: boolean } = {}): UpstreamTarget {
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    throw new UsageError(`proxy upstream "${upstream}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`proxy upstream "${upstream}" must be http:// or https://`);
  if (url.pathname !== '/' || url.search) throw new UsageError(`proxy upstream "${upstream}" must be an origin without a path`);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const https = url.protocol === 'https:';
  return {
    protocol: url.protocol,
    hostname,
    port: url.port ? Number(url.port) : https ? 443 : 80,
    authority: url.host,
    originHost: https || options.originHost === true,
  };
}

/** The agents toward upstreams, one per scheme (the proxy's upstream may change scheme with setUpstream). */
export interface UpstreamAgents {
  http: http.Agent;
  https: https.Agent;
}

/** Raw header pairs minus hop-by-hop headers, in the client's order and spelling; `host` replaces the client's Host when given. */
export function forwardableRawHeaders(rawHeaders: readonly string[], host?: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (HOP_BY_HOP.has(name.toLowerCase())) continue;
    if (host !== undefined && name.toLowerCase() === 'host') continue;
    out.push(name, rawHeaders[i + 1]!);
  }
  if (host !== undefined) out.unshift('Host', host);
  return out;
}

/**
 * Ends the client's connection abruptly (TCP RST where the platform allows), so a failure between
 * the proxy and the upstream reaches the client as a broken connection, never as a made-up HTTP answer.
 */
export function resetClientConnection(socket: Socket | null | undefined): void {
  if (!socket || socket.destroyed) return;
  const withReset = socket as Socket & { resetAndDestroy?: () => void };
  if (typeof withReset.resetAndDestroy === 'function') withReset.resetAndDestroy();
  else socket.destroy();
}

export interface ForwardHooks {
  onRequestChunk?(chunk: Buffer): void;
  onResponseStart?(response: http.IncomingMessage): void;
  onResponseChunk?(chunk: Buffer): void;
  /** Called exactly once: with no error when the response was fully relayed, else with the transport error. */
  onDone?(error: Error | undefined): void;
}

export interface ForwardOptions extends ForwardHooks {
  target: UpstreamTarget;
  agents: UpstreamAgents;
  /** Extra delay before the request is sent upstream (latency injection). */
  delayMs?: number;
  /** Timers to clear when the proxy closes. */
  timers?: Set<NodeJS.Timeout>;
}

/** Streams one request to the upstream and its response back, with backpressure in both directions. */
export function forwardHttp(req: http.IncomingMessage, res: http.ServerResponse, options: ForwardOptions): void {
  let finished = false;
  const done = (error: Error | undefined) => {
    if (finished) return;
    finished = true;
    options.onDone?.(error);
  };

  if (options.onRequestChunk) req.on('data', (chunk: Buffer) => options.onRequestChunk!(chunk));

  const send = () => {
    const { target } = options;
    const common = {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: forwardableRawHeaders(req.rawHeaders, target.originHost ? target.authority : undefined) as unknown as http.OutgoingHttpHeaders,
      // The client's own Host header is kept unless originHost (presigned URLs sign it); setHost would add a second one.
      setHost: false,
    };
    const upstreamRequest =
      target.protocol === 'https:'
        ? https.request({
            ...common,
            agent: options.agents.https,
            // SNI carries a name, never an IP literal (RFC 6066 §3).
            ...(isIP(target.hostname) === 0 ? { servername: target.hostname } : {}),
            rejectUnauthorized: true,
          })
        : http.request({ ...common, agent: options.agents.http });

    upstreamRequest.on('response', (upstreamResponse) => {
      options.onResponseStart?.(upstreamResponse);
      if (options.onResponseChunk) upstreamResponse.on('data', (chunk: Buffer) => options.onResponseChunk!(chunk));
      upstreamResponse.on('error', (error) => {
        done(error);
        resetClientConnection(res.socket);
      });
      upstreamResponse.on('aborted', () => {
        done(new Error('upstream closed the connection before the response ended'));
        resetClientConnection(res.socket);
      });
      upstreamResponse.on('end', () => done(undefined));
      res.writeHead(
        upstreamResponse.statusCode ?? 502,
        upstreamResponse.statusMessage,
        forwardableRawHeaders(upstreamResponse.rawHeaders) as unknown as http.OutgoingHttpHeaders,
      );
      upstreamResponse.pipe(res);
    });

    upstreamRequest.on('error', (error) => {
      done(error);
      resetClientConnection(res.socket);
    });

    res.on('close', () => {
      if (!res.writableFinished) {
        done(new Error('client closed the connection before the response was complete'));
        upstreamRequest.destroy();
      }
    });

    req.pipe(upstreamRequest);
  };

  if (options.delayMs && options.delayMs > 0) {
    // Hold the body until the delay passed; the client sees a slow link, nothing else.
    req.pause();
    const timer = setTimeout(() => {
      options.timers?.delete(timer);
      if (req.destroyed || res.destroyed) {
        done(new Error('client closed the connection during the injected delay'));
        return;
      }
      send();
      req.resume();
    }, options.delayMs);
    options.timers?.add(timer);
  } else {
    send();
  }
}
