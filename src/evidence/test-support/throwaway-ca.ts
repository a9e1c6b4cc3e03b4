/**
 * Test-only: a private CA made for one test with the openssl CLI (a staging server "signed by our own CA"), a server
 * certificate it signed for `localhost` and 127.0.0.1, and a TLS front that serves an http origin under it and notes the
 * SNI name and Host header of every request it forwards.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ThrowawayCa {
  dir: string;
  /** PEM file of the CA certificate: what a user puts in NODE_EXTRA_CA_CERTS. */
  caFile: string;
  ca: string;
  key: string;
  cert: string;
  /** A certificate for the same names that no trusted CA signed. */
  selfSigned: { key: string; cert: string };
  remove(): Promise<void>;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (error) {
    const err = error as { code?: string; stderr?: string };
    throw new Error(
      err.code === 'ENOENT' ? 'these tests need the openssl CLI (apt-get install openssl)' : `openssl ${args[0]} failed: ${err.stderr ?? String(error)}`,
    );
  }
}

export async function createThrowawayCa(): Promise<ThrowawayCa> {
  const dir = await mkdtemp(join(tmpdir(), 'evochat-test-ca-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const san = 'subjectAltName=DNS:localhost,IP:127.0.0.1';
  await openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=evochat throwaway test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  await writeFile(join(dir, 'server.ext'), `${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
  await openssl(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext'],
    dir,
  );
  await openssl(['req', '-x509', ...ec, '-keyout', 'self.key', '-out', 'self.pem', '-days', '2', '-subj', '/CN=localhost', '-addext', san], dir);
  const text = (name: string) => readFile(join(dir, name), 'utf8');
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    ca: await text('ca.pem'),
    key: await text('server.key'),
    cert: await text('server.pem'),
    selfSigned: { key: await text('self.key'), cert: await text('self.pem') },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface TlsFront {
  /** `https://localhost:<port>`. */
  url: string;
  port: number;
  /** What each forwarded request arrived with. */
  seen: { servername: string | false | null | undefined; host: string | undefined; path: string }[];
  /** Where it forwards to (an origin started after the front, whose FRONTEND_URL is the front's URL). */
  setOrigin(origin: string): void;
  close(): Promise<void>;
}

/** A TLS-terminating reverse proxy on 127.0.0.1 in front of an http origin, under the given key and certificate. */
export async function startTlsFront(input: { key: string; cert: string; origin?: string }): Promise<TlsFront> {
  let origin = new URL(input.origin ?? 'http://127.0.0.1:9');
  const seen: TlsFront['seen'] = [];
  const sockets = new Set<Socket>();
  const server = https.createServer({ key: input.key, cert: input.cert }, (req, res) => {
    seen.push({ servername: (req.socket as TLSSocket).servername, host: req.headers.host, path: req.url ?? '/' });
    const upstream = http.request({ host: origin.hostname, port: origin.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}`,
    port,
    seen,
    setOrigin: (value) => {
      origin = new URL(value);
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
