import http from 'node:http';
import https from 'node:https';
import type { UpstreamAgents } from './forward-http.ts';

/*
 * How the harness's proxies hold connections, so that they never reset a request the products did not lose.
 * A Node server whose event loop is busy when an idle connection's keep-alive deadline passes runs that timer
 * before it reads the socket: a request the client had already sent on the connection is reset unread (the
 * client sees `ECONNRESET`, nothing is recorded). No margin between the client's and the server's idle timers
 * rules that out under load, so each side of a proxy avoids the idle close instead. Chatwoot behind the proxy
 * is Puma (20 s persistent timeout): a 5 s idle close by the proxy in front of it was a harness artefact.
 */

/**
 * The server facing the proxy's clients: it announces no keep-alive deadline and enforces none, so an idle
 * connection is closed by the client that owns it (undici, Node's agent, Net::HTTP all time out their idle
 * sockets), never under it. Connections still open are destroyed when the proxy closes.
 */
export function createProxyServer(listener: http.RequestListener): http.Server {
  const server = http.createServer(listener);
  server.keepAliveTimeout = 0;
  return server;
}

/** How long the proxy keeps an idle connection to an upstream that never closes one itself. */
export const UPSTREAM_IDLE_CLOSE_MS = 1_000;

/**
 * The agents toward the upstream. By default a fresh connection per request (as nginx proxies by default), so no
 * request is ever written on a pooled connection the upstream is closing for idleness. Toward an upstream that never
 * closes an idle connection (a twin, serveApp's keepIdleConnections) the proxy reuses its connections and is the
 * only side that closes one (after UPSTREAM_IDLE_CLOSE_MS idle): no race is left. Measured on the 12-cell sim run:
 * a new TCP connection per hop per request was about 3 CPU-s of 35.
 */
export function createUpstreamAgents(options: { upstreamKeepsIdleConnections?: boolean } = {}): UpstreamAgents {
  const keepAlive = options.upstreamKeepsIdleConnections === true;
  // `timeout` on a keep-alive agent destroys a socket that idles that long in the free list; one in use is untouched.
  const settings = keepAlive ? { keepAlive, timeout: UPSTREAM_IDLE_CLOSE_MS } : { keepAlive };
  return { http: new http.Agent(settings), https: new https.Agent(settings) };
}
