/**
 * A tiny HTTP upstream for the exchange-source contract: the last path segment says what it answers
 * (`r200`, `r302`, `r404`, `r500` → that status; `reset` → the connection is destroyed before any answer;
 * `half` → 200 headers, part of a body, then the connection is destroyed). Plain JavaScript, run with
 * `node -e`, so the very same code serves the sim proxy (a child process) and the docker proxy (a container
 * of the twin base image, which holds Node).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export const STATUS_UPSTREAM_SCRIPT = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const last = new URL(req.url, 'http://upstream').pathname.split('/').pop();
    if (last === 'reset') return req.socket.destroy();
    if (last === 'half') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
      return res.write('partial', () => res.destroy());
    }
    const status = /^r(\\d{3})$/.exec(last ?? '');
    const code = status ? Number(status[1]) : 400;
    res.writeHead(code, code === 302 ? { location: '/elsewhere', 'content-type': 'text/plain' } : { 'content-type': 'text/plain' });
    res.end('answer ' + code);
  });
});
server.listen(Number(process.env.PORT || 0), process.env.HOST || '127.0.0.1', () => {
  console.log('status-upstream listening on ' + server.address().port);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/** Runs the upstream as a child process on loopback; resolves once it printed its port. */
export async function startStatusUpstream(): Promise<{ url: string; child: ChildProcess; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['-e', STATUS_UPSTREAM_SCRIPT], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`status upstream exited with ${code} before listening`)));
    child.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
