import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createRedactor, REDACTED } from '../common/redact.ts';
import { waitFor } from '../common/wait-for.ts';
import { reserveClosedPort } from '../common/closed-port.ts';
import { createRecordingProxy, type RecordingProxy } from './recording-proxy.ts';
import { HARNESS_LINK_HEADER, HARNESS_SCENARIO_HEADER } from '../model/harness-wire.ts';
import { formatScenarioTag } from '../model/harness-wire.ts';

interface Upstream {
  url: string;
  received: { url: string; headers: http.IncomingHttpHeaders; rawHeaders: string[]; bytes: number }[];
  close(): Promise<void>;
}

async function startUpstream(handler: http.RequestListener): Promise<Upstream> {
  const received: Upstream['received'] = [];
  const server = http.createServer((req, res) => {
    const entry = { url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, bytes: 0 };
    received.push(entry);
    req.on('data', (chunk: Buffer) => (entry.bytes += chunk.length));
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function proxyTo(upstream: string | undefined, extra: Partial<Parameters<typeof createRecordingProxy>[0]> = {}): Promise<RecordingProxy> {
  const proxy = await createRecordingProxy({ upstream, link: 'evolution->chatwoot', redactor: createRedactor(['tok-secret-1']), ...extra });
  cleanups.push(() => proxy.close());
  return proxy;
}

describe('recording proxy', () => {
  it('forwards a request unchanged and records it redacted', async () => {
    const upstream = await startUpstream((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(422, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'Invalid attribute key - [contact_id]', echo: 'tok-secret-1' }));
      });
    });
    cleanups.push(() => upstream.close());
    const proxy = await proxyTo(upstream.url, { classify: (r) => (r.url.includes('/accounts/7/') ? ['cell-a'] : []) });

    const response = await request(`${proxy.url}/api/v1/accounts/7/conversations/filter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', api_access_token: 'tok-secret-1', Authorization: 'Bearer tok-secret-1' },
      body: JSON.stringify({ payload: [{ attribute_key: 'contact_id', values: ['3'] }] }),
    });
    expect(response.statusCode).toBe(422);
    expect(await response.body.json()).toMatchObject({ echo: 'tok-secret-1' });
    // upstream saw the client's header spelling and the token
    expect(upstream.received[0]!.rawHeaders).toContain('api_access_token');
    expect(upstream.received[0]!.headers.api_access_token).toBe('tok-secret-1');

    const [recorded] = proxy.exchanges({ cell: 'cell-a' });
    expect(recorded?.cells).toEqual(['cell-a']);
    const exchange = recorded!.exchange;
    expect(exchange).toMatchObject({ link: 'evolution->chatwoot', request: { method: 'POST', url: '/api/v1/accounts/7/conversations/filter' } });
    expect(exchange.request.headers.api_access_token).toBe(REDACTED);
    expect(exchange.request.headers.authorization).toBe(REDACTED);
    expect(exchange.request.body).toContain('contact_id');
    expect(exchange.response?.status).toBe(422);
    expect(exchange.response?.body).toContain('Invalid attribute key');
    expect(exchange.response?.body).not.toContain('tok-secret-1');
    expect(proxy.exchanges({ cell: 'other' })).toEqual([]);
  });

  it('keeps a double slash in the path and relabels harness traffic', async () => {
    const upstream = await startUpstream((req, res) => {
      req.resume();
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":404}');
    });
    cleanups.push(() => upstream.close());
    const proxy = await proxyTo(upstream.url, { link: 'chatwoot->evolution' });
    await request(`${proxy.url}//chatwoot/webhook/abc`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }).then((r) =>
      r.body.dump(),
    );
    await request(`${proxy.url}/instance/fetchInstances`, { headers: { [HARNESS_LINK_HEADER]: 'harness' } }).then((r) => r.body.dump());
    expect(upstream.received.map((r) => r.url)).toEqual(['//chatwoot/webhook/abc', '/instance/fetchInstances']);
    expect(upstream.received[1]!.headers[HARNESS_LINK_HEADER]).toBeUndefined();
    const exchanges = proxy.exchanges().map((r) => r.exchange);
    expect(exchanges.map((e) => [e.link, e.request.url])).toEqual([
      ['chatwoot->evolution', '//chatwoot/webhook/abc'],
      ['harness->evolution', '/instance/fetchInstances'],
    ]);
  });

  it('records the scenario a harness request names, and forwards neither tag', async () => {
    const upstream = await startUpstream((req, res) => req.resume().on('end', () => res.end('{}')));
    cleanups.push(() => upstream.close());
    const proxy = await proxyTo(upstream.url);
    const tag = formatScenarioTag({ cell: 'cw3.7.0-evo1.7.5-local', id: 'config-faults/server-url-unreachable' });
    const send = (path: string, headers: Record<string, string>) => request(`${proxy.url}${path}`, { headers }).then((r) => r.body.dump());
    await send('/api/v1/accounts/2/conversations/1/messages', { [HARNESS_LINK_HEADER]: 'harness', [HARNESS_SCENARIO_HEADER]: tag });
    // Only the harness names scenarios: a product request carrying the header gets no scenario.
    await send('/api/v1/accounts/2/contacts/filter', { [HARNESS_SCENARIO_HEADER]: tag });
    await send('/api/v1/accounts/2/inboxes', { [HARNESS_LINK_HEADER]: 'harness', [HARNESS_SCENARIO_HEADER]: 'not a tag at all' });
    for (const received of upstream.received) {
      expect(received.headers[HARNESS_LINK_HEADER]).toBeUndefined();
      expect(received.headers[HARNESS_SCENARIO_HEADER]).toBeUndefined();
    }
    const exchanges = proxy.exchanges().map((item) => item.exchange);
    expect(exchanges.map((exchange) => [exchange.link, exchange.scenario])).toEqual([
      ['harness->chatwoot', { cell: 'cw3.7.0-evo1.7.5-local', id: 'config-faults/server-url-unreachable' }],
      ['evolution->chatwoot', undefined],
      ['harness->chatwoot', undefined],
    ]);
    for (const exchange of exchanges) expect(exchange.request.headers[HARNESS_SCENARIO_HEADER]).toBeUndefined();
  });

  it('streams a chunked upload without buffering it and caps the recorded copy', async () => {
    let firstChunkSeen!: () => void;
    const firstChunk = new Promise<void>((resolve) => (firstChunkSeen = resolve));
    const upstream = await startUpstream((req, res) => {
      req.once('data', () => firstChunkSeen());
      req.on('end', () => res.writeHead(201).end('ok'));
    });
    cleanups.push(() => upstream.close());
    const proxy = await proxyTo(upstream.url);
    const { port } = new URL(proxy.url);

    const response = new Promise<number>((resolve, reject) => {
      const client = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/upload',
        headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
      });
      client.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      client.on('error', reject);
      client.write(Buffer.alloc(1000, 1));
      // The rest is sent only once the upstream has the first chunk: a buffering proxy would deadlock here.
      firstChunk.then(() => {
        for (let i = 0; i < 200; i += 1) client.write(Buffer.alloc(1000, 2));
        client.end();
      }, reject);
    });
    expect(await response).toBe(201);
    expect(upstream.received[0]!.headers['transfer-encoding']).toBe('chunked');
    expect(upstream.received[0]!.headers['content-length']).toBeUndefined();
    expect(upstream.received[0]!.bytes).toBe(201_000);
    const exchange = proxy.exchanges()[0]!.exchange;
    expect(exchange.request.bodyTruncated).toBe(true);
    expect(exchange.request.body).toBe('<201000 bytes application/octet-stream>');
  });

  it('streams the response as it arrives', async () => {
    let releaseRest!: () => void;
    const rest = new Promise<void>((resolve) => (releaseRest = resolve));
    const upstream = await startUpstream((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first;');
      void rest.then(() => res.end('second'));
    });
    cleanups.push(() => upstream.close());
    const proxy = await proxyTo(upstream.url);
    const response = await request(`${proxy.url}/stream`);
    const reader = response.body[Symbol.asyncIterator]();
    const first = await reader.next();
    expect(String(first.value)).toBe('first;');
    releaseRest();
    let remaining = '';
    for (let next = await reader.next(); !next.done; next = await reader.next()) remaining += String(next.value);
    expect(remaining).toBe('second');
    await waitFor(() => proxy.exchanges()[0]?.exchange.response?.body === 'first;second', { timeoutMs: 2000, description: 'recorded response' });
  });

  it('passes a refused upstream connection through as a reset, not an HTTP error page', async () => {
    const closedPort = await reserveClosedPort();
    const proxy = await proxyTo(`http://127.0.0.1:${closedPort}`);
    const error = await request(`${proxy.url}/chatwoot/webhook/x`, { method: 'POST', body: '{}' }).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(error).toBeDefined();
    // undici reports a socket closed without a response; no status code ever reached the client
    expect(['UND_ERR_SOCKET', 'ECONNRESET']).toContain(error!.code);
    const exchange = proxy.exchanges()[0]!.exchange;
    expect(exchange.response).toBeNull();
    expect(exchange.error).toMatch(/ECONNREFUSED/);
  });

  it('records a client that gives up before the answer', async () => {
    const upstream = await startUpstream((req) => {
      req.resume(); // never answers
    });
    cleanups.push(() => upstream.close());
    const proxy = await proxyTo(upstream.url);
    await request(`${proxy.url}/slow`, { signal: AbortSignal.timeout(100) }).catch(() => undefined);
    const recorded = await waitFor(() => proxy.exchanges()[0], { timeoutMs: 2000, description: 'aborted exchange' });
    expect(recorded.exchange.response).toBeNull();
    expect(recorded.exchange.error).toMatch(/client closed/);
  });

  it('serves exchanges with since/cell filters and probes URLs through redirects', async () => {
    const upstream = await startUpstream((req, res) => {
      req.resume();
      if (req.url === '/redirect') res.writeHead(302, { location: '/object' }).end();
      else res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from([1, 2, 3]));
    });
    cleanups.push(() => upstream.close());
    const proxy = await proxyTo(upstream.url, { classify: (r) => (r.url === '/object' ? ['c1'] : []) });
    const before = Date.now();
    await request(`${proxy.url}/object`).then((r) => r.body.dump());

    const listed = (await (await request(`${proxy.url}/__evochat/exchanges?cell=c1&since=${before}`)).body.json()) as { exchanges: unknown[] };
    expect(listed.exchanges).toHaveLength(1);
    const none = (await (await request(`${proxy.url}/__evochat/exchanges?since=${new Date(Date.now() + 60_000).toISOString()}`)).body.json()) as {
      exchanges: unknown[];
    };
    expect(none.exchanges).toHaveLength(0);

    const page = async (query: string) =>
      (await (await request(`${proxy.url}/__evochat/exchanges?${query}`)).body.json()) as { recorded: number; exchanges: unknown[] };
    const first = await page('after=0');
    expect(first).toMatchObject({ recorded: 1, exchanges: [expect.anything()] });
    await request(`${proxy.url}/object`).then((r) => r.body.dump());
    expect(await page(`after=${first.recorded}`)).toMatchObject({ recorded: 2, exchanges: [expect.anything()] });
    expect(await page('after=2')).toMatchObject({ recorded: 2, exchanges: [] });
    expect((await request(`${proxy.url}/__evochat/exchanges?after=-1`)).statusCode).toBe(400);

    const probe = await request(`${proxy.url}/__evochat/probe`, { method: 'POST', body: JSON.stringify({ url: `${upstream.url}/redirect` }) });
    const result = (await probe.body.json()) as { status: number; bytes: number; hops: { status: number }[] };
    expect(result.status).toBe(200);
    expect(result.bytes).toBe(3);
    expect(result.hops.map((h) => h.status)).toEqual([302, 200]);
  });

  it('redacts credentials by JSON key in what it serves, and by value once one was seen', async () => {
    const upstream = await startUpstream((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/api/v1/accounts/1/inboxes')
        res.end(JSON.stringify({ payload: [{ id: 1, hmac_token: 'Xo9pL2mN3bV4cX5zA6sD7fG8', inbox_identifier: 'Qw1Er2Ty3Ui4Op5As6Df7Gh8' }] }));
      else res.end('{}');
    });
    cleanups.push(() => upstream.close());
    const proxy = await proxyTo(upstream.url);
    await request(`${proxy.url}/api/v1/accounts/1/inboxes`).then((r) => r.body.dump());
    await request(`${proxy.url}/public/api/v1/inboxes/Qw1Er2Ty3Ui4Op5As6Df7Gh8/contacts`).then((r) => r.body.dump());
    const served = await (await request(`${proxy.url}/__evochat/exchanges`)).body.text();
    expect(served).not.toContain('Xo9pL2mN3bV4cX5zA6sD7fG8');
    expect(served).not.toContain('Qw1Er2Ty3Ui4Op5As6Df7Gh8');
    const [inboxes, publicApi] = proxy.exchanges().map((r) => r.exchange);
    expect(JSON.parse(inboxes!.response!.body)).toEqual({ payload: [{ id: 1, hmac_token: REDACTED, inbox_identifier: REDACTED }] });
    expect(publicApi!.request.url).toBe(`/public/api/v1/inboxes/${REDACTED}/contacts`);
  });
});
