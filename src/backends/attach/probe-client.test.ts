import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from '../../common/redact.ts';
import { serveApp, type ServedApp } from '../../common/serve-app.ts';
import { createProbeClient, ProbeUnreachableError, WriteRefusedError } from './probe-client.ts';

let server: ServedApp;
let closedPort: number;
const received: string[] = [];

beforeAll(async () => {
  const app = new Hono();
  app.all('*', async (c) => {
    received.push(`${c.req.method} ${new URL(c.req.url).pathname}`);
    const path = new URL(c.req.url).pathname;
    if (path === '/login') return c.html('<!DOCTYPE html><html><body>Sign in</body></html>');
    if (path === '/redirect') return c.redirect('/elsewhere', 302);
    if (path === '/slow') {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      return c.json({});
    }
    if (path === '/secrets') return c.json({ instance: { apikey: 'instance-key-123' }, chatwoot: { token: 'cw-token-456' } });
    return c.json({ ok: true, header: c.req.header('api_access_token') ?? null });
  });
  server = await serveApp(app);
  const spare = await serveApp(new Hono());
  closedPort = spare.port;
  await spare.close();
});
afterAll(async () => {
  await server.close();
});

describe('probe client', () => {
  it('refuses writes unless allowed or declared read-only, before anything is sent', async () => {
    const client = createProbeClient({ redactor: createRedactor(), timeoutMs: 1_000, allowWrites: false });
    const before = received.length;
    await expect(client.send({ link: 'harness->chatwoot', method: 'POST', url: `${server.url}/write`, json: {} })).rejects.toBeInstanceOf(WriteRefusedError);
    expect(received.length).toBe(before);
    const read = await client.send({ link: 'harness->chatwoot', method: 'POST', url: `${server.url}/filter`, json: {}, readOnly: 'a filter is a query' });
    expect(read.status).toBe(200);
    expect(read.exchange.request.headers['x-evochat-read-only']).toBe('a filter is a query');
    await client.close();
  });

  it('records exchanges with secrets redacted, including secrets it discovers in bodies', async () => {
    const client = createProbeClient({ redactor: createRedactor(['my-token-value']), timeoutMs: 1_000, allowWrites: false });
    const echoed = await client.send({ link: 'harness->chatwoot', method: 'GET', url: `${server.url}/echo`, headers: { api_access_token: 'my-token-value' } });
    expect(echoed.json).toEqual({ ok: true, header: 'my-token-value' });
    expect(echoed.exchange.request.headers.api_access_token).toBe(REDACTED);
    expect(echoed.exchange.response?.body).not.toContain('my-token-value');
    const secrets = await client.send({ link: 'harness->evolution', method: 'GET', url: `${server.url}/secrets` });
    expect(secrets.exchange.response?.body).not.toContain('instance-key-123');
    expect(secrets.exchange.response?.body).not.toContain('cw-token-456');
    expect(client.exchanges().map((exchange) => exchange.id)).toEqual(['probe-1', 'probe-2']);
    await client.close();
  });

  it('tells HTML apart, and does not follow redirects', async () => {
    const client = createProbeClient({ redactor: createRedactor(), timeoutMs: 1_000, allowWrites: false });
    expect((await client.send({ link: 'harness->chatwoot', method: 'GET', url: `${server.url}/login` })).isHtml).toBe(true);
    const redirect = await client.send({ link: 'harness->chatwoot', method: 'GET', url: `${server.url}/redirect` });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe('/elsewhere');
    await client.close();
  });

  it('a refused connection and a probe over its deadline are ProbeUnreachableError, with the reason', async () => {
    const client = createProbeClient({ redactor: createRedactor(), timeoutMs: 300, allowWrites: false });
    const refused = await client.send({ link: 'harness->evolution', method: 'GET', url: `http://127.0.0.1:${closedPort}/` }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProbeUnreachableError);
    expect((refused as Error).message).toContain('connection refused (ECONNREFUSED)');
    expect((refused as ProbeUnreachableError).exitCode).toBe(3);
    const slow = await client.send({ link: 'harness->chatwoot', method: 'GET', url: `${server.url}/slow` }).catch((error: unknown) => error);
    expect((slow as Error).message).toContain('no answer within 300 ms');
    await client.close();
  });
});
