import type { AddressInfo, Server as NetServer } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { isListenFailure, listenError } from './listen-error.ts';

/** Anything with a WHATWG fetch handler: a Hono app qualifies. */
export interface FetchApp {
  /** `env` carries the Node request and response (`c.env.outgoing` in a Hono app). */
  fetch: (request: Request, env: HttpBindings) => Response | Promise<Response>;
}

export interface ServeOptions {
  /** Defaults to 127.0.0.1: services never listen on other interfaces unless asked (containers). */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface ServeAppOptions extends ServeOptions {
  /**
   * Never close an idle connection: the client that holds it closes it (a twin behind a harness proxy, whose agent
   * closes idle ones after 1 s; proxy-connections.ts). A server closing an idle connection while its event loop is
   * busy resets a request already sent on it; with only the client closing, that cannot happen.
   */
  keepIdleConnections?: boolean;
}

export interface ServedApp {
  url: string;
  host: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Starts an HTTP server for a fetch-style app and resolves once it listens. */
export async function serveApp(app: FetchApp, options: ServeAppOptions = {}): Promise<ServedApp> {
  const host = options.host ?? '127.0.0.1';
  // An HTTP/1 server (no `createServer` option): the bindings are never the HTTP/2 ones.
  const server = createAdaptorServer({ fetch: (request, env) => app.fetch(request, env as HttpBindings) }) as Server;
  if (options.keepIdleConnections) server.keepAliveTimeout = 0;
  const { port, url } = await listenOn(server, { host, port: options.port });
  return {
    url,
    host,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

/**
 * Starts any node:net server listening (127.0.0.1 unless told otherwise) and resolves with its port and the URL a
 * local client uses (a wildcard bind is reached through 127.0.0.1). A busy port is EVOCHAT_E_PORT_IN_USE, an
 * address it cannot bind EVOCHAT_E_LISTEN (both exit 3), naming the address.
 */
export async function listenOn(server: NetServer, options: ServeOptions = {}): Promise<{ port: number; url: string }> {
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(isListenFailure(error) ? listenError(error, host, options.port ?? 0) : error);
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return { port, url: `http://${urlHost}:${port}` };
}
