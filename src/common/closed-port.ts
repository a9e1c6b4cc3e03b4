import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback port with nothing listening: bind port 0, note the port, close (a free port for a server to take, too). Connecting to it is
 * refused at once, which is what "SERVER_URL unreachable from Chatwoot" looks like on one host.
 * (Another process could take the port later; on loopback within one short run that is unlikely.)
 */
export async function reserveClosedPort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
