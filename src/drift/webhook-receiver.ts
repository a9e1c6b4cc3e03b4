import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenError } from '../common/listen-error.ts';

export interface ReceivedWebhook {
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  text: string;
  json: unknown;
}

export interface WebhookReceiver {
  /** `http://<host>:<port>` as this machine reaches it (the bound address). */
  url: string;
  port: number;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/** Records every POST the inbox webhooks of both sides deliver (one path per side), answers 200 at once. */
export async function startWebhookReceiver(host: string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      received.push({ path: request.url ?? '/', headers, text, json });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"ok"}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(error as NodeJS.ErrnoException, host, 0)));
    server.listen(0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
