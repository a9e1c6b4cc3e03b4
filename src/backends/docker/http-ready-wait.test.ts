import { afterEach, describe, expect, it } from 'vitest';
import { BoundPorts } from 'testcontainers';
import { serveApp, type ServedApp } from '../../common/serve-app.ts';
import { waitFor } from '../../common/wait-for.ts';
import { HttpReadyWait } from './http-ready-wait.ts';

let served: ServedApp | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

/** A stand-in for Chatwoot's GET /api: failing data services for the first `failing` requests. */
async function healthServer(failing: number): Promise<{ ports: BoundPorts; requests: () => number }> {
  let count = 0;
  served = await serveApp({
    fetch: () => {
      count += 1;
      const ok = count > failing;
      return Response.json({ version: '3.8.0', data_services: ok ? 'ok' : 'failing', queue_services: 'ok' });
    },
  });
  const ports = new BoundPorts();
  ports.setBinding(3000, served.port);
  return { ports, requests: () => count };
}

const running = { inspect: () => Promise.resolve({ State: { Status: 'running', ExitCode: 0 } }) };
const check = { path: '/api', port: 3000, status: 200, jsonFields: { data_services: 'ok', queue_services: 'ok' } };

describe('HttpReadyWait', () => {
  it('waits until the body reports healthy services, not just a 200', async () => {
    const server = await healthServer(3);
    const wait = new HttpReadyWait(check, { host: '127.0.0.1', signal: new AbortController().signal, pollMs: 10 }).withStartupTimeout(5_000);
    await wait.waitUntilReady(running, server.ports);
    expect(server.requests()).toBe(4);
  });

  it('fails at once, with the exit code, when the container exits', async () => {
    const server = await healthServer(Number.POSITIVE_INFINITY);
    const exited = { inspect: () => Promise.resolve({ State: { Status: 'exited', ExitCode: 3 } }) };
    const wait = new HttpReadyWait(check, { host: '127.0.0.1', signal: new AbortController().signal, pollMs: 10 }).withStartupTimeout(5_000);
    await expect(wait.waitUntilReady(exited, server.ports)).rejects.toThrow(/exited with code 3/);
    expect(server.requests()).toBe(1);
  });

  it('fails when the container was removed under it', async () => {
    const server = await healthServer(Number.POSITIVE_INFINITY);
    const gone = {
      inspect: () => Promise.reject(new Error('(HTTP code 404) no such container')),
    };
    const wait = new HttpReadyWait(check, { host: '127.0.0.1', signal: new AbortController().signal, pollMs: 10 }).withStartupTimeout(5_000);
    await expect(wait.waitUntilReady(gone, server.ports)).rejects.toThrow(/disappeared/);
  });

  it('gives up at once when the run stops', async () => {
    const server = await healthServer(Number.POSITIVE_INFINITY);
    const controller = new AbortController();
    const wait = new HttpReadyWait(check, { host: '127.0.0.1', signal: controller.signal, pollMs: 60_000 }).withStartupTimeout(120_000);
    const waiting = wait.waitUntilReady(running, server.ports);
    // Abort once the wait is parked between polls (its first probe was answered), not after a guessed delay.
    await waitFor(() => server.requests() === 1, { timeoutMs: 10_000, intervalMs: 5, description: 'the first probe' });
    const started = Date.now();
    controller.abort();
    await expect(waiting).rejects.toThrow(/stopping/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports the last answer when the deadline passes', async () => {
    const server = await healthServer(Number.POSITIVE_INFINITY);
    const wait = new HttpReadyWait(check, { host: '127.0.0.1', signal: new AbortController().signal, pollMs: 10 }).withStartupTimeout(200);
    await expect(wait.waitUntilReady(running, server.ports)).rejects.toThrow(/within 200 ms \(last: 200 .*"data_services":"failing"/);
    expect(wait.getStartupTimeout()).toBe(200);
    expect(wait.isStartupTimeoutSet()).toBe(true);
  });
});
