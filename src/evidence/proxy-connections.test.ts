import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedactor } from '../common/redact.ts';
import { serveApp } from '../common/serve-app.ts';
import { UPSTREAM_IDLE_CLOSE_MS } from './proxy-connections.ts';
import { createLatencyProxy } from './latency-proxy.ts';
import { createRecordingProxy } from './recording-proxy.ts';

/**
 * The race behind the docker-run flake (Evolution's `read ECONNRESET` on contacts/filter with nothing recorded):
 * a Node server whose event loop is busy when its keep-alive deadline passes runs that timer before it reads the
 * socket, so a request the client had already sent on the idle connection is reset unread. The proxies must
 * never be the side that closes an idle connection (toward their clients), nor reuse one an upstream may close
 * (toward the twins and products).
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as http.Server).closeAllConnections?.();
      }),
  );
  return (server.address() as AddressInfo).port;
}

/** A Node HTTP server with Node's defaults (5 s keep-alive, as the twins and Express run). */
async function defaultNodeServer(): Promise<{ url: string; port: number }> {
  const port = await listen(http.createServer((req, res) => req.resume().on('end', () => res.end('upstream ok'))));
  return { url: `http://127.0.0.1:${port}`, port };
}

/**
 * An upstream that answers the first request of each connection (announcing keep-alive) and resets the
 * connection when a second request arrives on it: what a stalled Node server does with a request that
 * reached it on a connection whose idle deadline passed meanwhile.
 */
async function onePerConnectionUpstream(): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    let buffered = '';
    let served = 0;
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
        served += 1;
        if (served > 1) {
          socket.resetAndDestroy();
          return;
        }
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\nok');
      }
    });
    socket.on('error', () => {});
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, connections: () => connections };
}

interface RawAnswer {
  head: string;
  body: string;
}

/** One keep-alive client connection, requests written by hand: what travels on it stays visible. */
async function rawConnection(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  cleanups.push(() => Promise.resolve(void socket.destroy()));
  let buffered = Buffer.alloc(0);
  let ended = false;
  let failure: Error | undefined;
  const wake = new Set<() => void>();
  const notify = () => {
    for (const resolve of wake) resolve();
  };
  socket.on('data', (chunk: Buffer) => ((buffered = Buffer.concat([buffered, chunk])), notify()));
  socket.on('end', () => ((ended = true), notify()));
  socket.on('error', (error) => ((failure = error), notify()));
  socket.on('close', () => ((ended = true), notify()));

  const answer = async (): Promise<RawAnswer> => {
    for (;;) {
      const headEnd = buffered.indexOf('\r\n\r\n');
      if (headEnd >= 0) {
        const head = buffered.subarray(0, headEnd).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length >= headEnd + 4 + length) {
          const body = buffered.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8');
          buffered = buffered.subarray(headEnd + 4 + length);
          return { head, body };
        }
      }
      if (failure) throw failure;
      if (ended) throw new Error('the proxy closed the connection without an answer');
      await new Promise<void>((resolve) => {
        const done = () => (wake.delete(done), resolve());
        wake.add(done);
      });
    }
  };
  return {
    async get(path: string): Promise<RawAnswer> {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`);
      return answer();
    },
  };
}

/** Resolves when a Node server with the defaults closed an idle connection opened now: its keep-alive deadline passed. */
async function defaultKeepAliveDeadlinePassed(port: number): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  cleanups.push(() => Promise.resolve(void socket.destroy()));
  socket.on('error', () => {});
  socket.resume();
  socket.write('GET /clock HTTP/1.1\r\nHost: clock\r\n\r\n');
  await once(socket, 'close');
}

const kinds = [
  {
    kind: 'recording proxy',
    start: async (upstream: string) => {
      const proxy = await createRecordingProxy({ upstream, link: 'evolution->chatwoot', redactor: createRedactor([]) });
      cleanups.push(() => proxy.close());
      return { port: proxy.port, failures: () => proxy.exchanges().filter((item) => item.exchange.error !== undefined).length };
    },
  },
  {
    kind: 'latency proxy',
    start: async (upstream: string) => {
      const proxy = await createLatencyProxy({ upstream });
      cleanups.push(() => proxy.close());
      return { port: proxy.port, failures: () => 0 };
    },
  },
];

describe.each(kinds)('$kind connections', ({ start }) => {
  it('leaves closing an idle keep-alive connection to its client: no Keep-Alive deadline announced, none enforced', async () => {
    const upstream = await defaultNodeServer();
    const proxy = await start(upstream.url);
    const client = await rawConnection(proxy.port);
    const first = await client.get('/api/v1/accounts/1/inboxes');
    expect(first.body).toBe('upstream ok');
    expect(first.head).toMatch(/\r\nconnection: keep-alive/i);
    expect(first.head).not.toMatch(/\r\nkeep-alive:/i);
    // Idle past the deadline a Node server (the proxy before this fix) enforces: a connection to one, opened
    // after the proxy's answer, has been closed by it.
    await defaultKeepAliveDeadlinePassed(upstream.port);
    const second = await client.get('/api/v1/accounts/1/contacts/filter');
    expect(second.body).toBe('upstream ok');
  }, 30_000);

  it('forwards every request on a fresh upstream connection, so an upstream closing an idle one cannot reset it', async () => {
    const upstream = await onePerConnectionUpstream();
    const proxy = await start(upstream.url);
    const client = await rawConnection(proxy.port);
    for (const path of ['/api/v1/accounts/1/inboxes', '/api/v1/accounts/1/contacts/filter', '/api/v1/accounts/1/conversations']) {
      const answer = await client.get(path);
      expect(answer.body).toBe('ok');
    }
    expect(upstream.connections()).toBe(3);
    expect(proxy.failures()).toBe(0);
  });
});

describe('recording proxy toward an upstream that never closes idle connections (a twin)', () => {
  /** Counts connections, and those closed, on a Node server that, like serveApp with keepIdleConnections, never closes an idle one. */
  async function neverIdleClosingUpstream() {
    let opened = 0;
    let closed = 0;
    const wake = new Set<() => void>();
    const server = http.createServer((req, res) => req.resume().on('end', () => res.end('twin ok')));
    server.keepAliveTimeout = 0;
    server.on('connection', (socket) => {
      opened += 1;
      socket.on('close', () => {
        closed += 1;
        for (const resolve of wake) resolve();
      });
    });
    const port = await listen(server);
    return {
      url: `http://127.0.0.1:${port}`,
      opened: () => opened,
      closed: () => closed,
      /** Resolves when `count` connections have been closed (by the proxy: this server closes none). */
      closedCount: (count: number) =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (closed < count) return;
            wake.delete(check);
            resolve();
          };
          wake.add(check);
          check();
        }),
    };
  }

  it('reuses one connection for requests in turn and closes it itself once idle', async () => {
    const upstream = await neverIdleClosingUpstream();
    const proxy = await createRecordingProxy({
      upstream: upstream.url,
      link: 'evolution->chatwoot',
      redactor: createRedactor([]),
      upstreamKeepsIdleConnections: true,
    });
    cleanups.push(() => proxy.close());
    const client = await rawConnection(proxy.port);
    for (const path of ['/api/v1/accounts/1/inboxes', '/api/v1/accounts/1/contacts/filter', '/api/v1/accounts/1/conversations']) {
      expect((await client.get(path)).body).toBe('twin ok');
    }
    expect(upstream.opened()).toBe(1);
    const idleFrom = performance.now();
    await upstream.closedCount(1);
    // Closed by the proxy's agent after UPSTREAM_IDLE_CLOSE_MS idle (the server closes nothing).
    expect(performance.now() - idleFrom).toBeGreaterThanOrEqual(UPSTREAM_IDLE_CLOSE_MS - 100);
    expect(proxy.exchanges().filter((item) => item.exchange.error !== undefined)).toHaveLength(0);
  });

  it('keeps a connection in use past the idle time: a slow answer is not cut', async () => {
    let release: (() => void) | undefined;
    const server = http.createServer((req, res) => {
      req.resume();
      release = () => res.end('slow ok');
    });
    server.keepAliveTimeout = 0;
    const port = await listen(server);
    const proxy = await createRecordingProxy({
      upstream: `http://127.0.0.1:${port}`,
      link: 'chatwoot->evolution',
      redactor: createRedactor([]),
      upstreamKeepsIdleConnections: true,
    });
    cleanups.push(() => proxy.close());
    const client = await rawConnection(proxy.port);
    const answer = client.get('/chatwoot/webhook/slow');
    await new Promise((resolve) => setTimeout(resolve, UPSTREAM_IDLE_CLOSE_MS * 1.5));
    release!();
    expect((await answer).body).toBe('slow ok');
  });
});

describe('serveApp keepIdleConnections', () => {
  it('leaves idle connections to the client; without it the Node default deadline stays', async () => {
    const app = { fetch: () => new Response('ok') };
    const twin = await serveApp(app, { keepIdleConnections: true });
    const plain = await serveApp(app);
    cleanups.push(
      () => twin.close(),
      () => plain.close(),
    );
    expect(twin.server.keepAliveTimeout).toBe(0);
    expect(plain.server.keepAliveTimeout).toBeGreaterThan(0);
  });
});
