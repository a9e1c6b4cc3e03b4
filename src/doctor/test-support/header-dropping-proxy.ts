import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface HeaderDroppingProxy {
  url: string;
  /** Header names it dropped so far (lower case). */
  dropped(): string[];
  close(): Promise<void>;
}

/**
 * A reverse proxy that behaves like nginx without `underscores_in_headers on`: request headers
 * whose names contain "_" are silently dropped (chatwoot-3.7-3.9.md §2.5), everything else is
 * forwarded as is. For tests only.
 */
export async function startHeaderDroppingProxy(upstream: string): Promise<HeaderDroppingProxy> {
  const target = new URL(upstream);
  const dropped: string[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const headers: http.OutgoingHttpHeaders = {};
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!;
      if (name.includes('_')) {
        dropped.push(name.toLowerCase());
        continue;
      }
      if (name.toLowerCase() === 'host') continue;
      headers[name] = req.rawHeaders[i + 1]!;
    }
    headers.host = target.host;
    const forward = http.request({ hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    });
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dropped: () => [...dropped],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
