import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createMemorySink } from '../../common/log-sink.ts';
import { waitFor } from '../../common/wait-for.ts';
import { BackgroundWork } from './background-work.ts';
import type { ChatwootService } from './chatwoot-service.ts';
import { parseEvolutionConfig } from './evolution-config.ts';
import type { EvolutionInstance } from './evolution-instance.ts';
import { EvolutionLogger } from './evolution-logger.ts';
import { buildEvolutionRouter, type RouteHandler } from './evolution-routes.ts';
import { InstanceStore } from './instance-store.ts';
import { startEvolutionTwin } from './start-evolution-twin.ts';
import { KIT_API_KEY } from './test-support/evolution-test-kit.ts';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const createBody = (chatwootUrl: string) => ({
  instanceName: 'shop',
  chatwoot_account_id: '1',
  chatwoot_token: 'token',
  chatwoot_url: chatwootUrl,
  chatwoot_sign_msg: true,
  chatwoot_reopen_conversation: true,
  chatwoot_conversation_pending: false,
});

describe.each(['1.7.4', '1.7.5'] as const)('POST /instance/create with Chatwoot on %s', (version) => {
  it('hands the Chatwoot bootstrap to afterSent instead of starting it while answering', async () => {
    const work = new BackgroundWork();
    const store = new InstanceStore(undefined);
    closers.push(
      () => work.close(),
      () => store.dispose(),
    );
    const creates: string[] = [];
    const chatwoot = { create: (name: string) => Promise.resolve(void creates.push(name)), webhookUrl: () => '' } as unknown as ChatwootService;
    const router = buildEvolutionRouter({
      config: parseEvolutionConfig({ TWIN_VERSION: version, AUTHENTICATION_API_KEY: KIT_API_KEY }),
      store,
      work,
      chatwoot,
      instances: new Map(),
      registerInstance: () => ({ dispose() {} }) as unknown as EvolutionInstance,
      removeInstance: () => undefined,
      logger: new EvolutionLogger({ version, levels: ['ERROR'], color: false, sink: createMemorySink(), now: Date.now }, 'SERVER'),
      newId: () => 'id-1',
    });
    const lookup = router.lookup('POST', '/instance/create');
    if (lookup.kind !== 'matched') throw new Error(`no route: ${lookup.kind}`);
    const handler: RouteHandler = lookup.handler;
    const result = await handler({
      params: {},
      query: new URLSearchParams(),
      headers: new Headers({ apikey: KIT_API_KEY }),
      body: createBody('http://127.0.0.1:9'),
      origin: 'http://127.0.0.1:8080',
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(result.status).toBe(201);
    expect(creates).toEqual([]);
    result.afterSent?.();
    await work.close();
    expect(creates).toEqual(['shop']);
  });

  it('the client has the 201 before Chatwoot sees the first call', async () => {
    let firstCallAt: number | undefined;
    const chatwoot = createServer((req, res) => {
      firstCallAt ??= performance.now();
      req.resume();
      req.on('end', () => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"error":"Invalid Access Token"}');
      });
    });
    await new Promise<void>((resolve) => chatwoot.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => chatwoot.close(() => resolve())));
    const twin = await startEvolutionTwin({
      env: { TWIN_VERSION: version, SERVER_URL: 'http://127.0.0.1:8080', AUTHENTICATION_API_KEY: KIT_API_KEY },
      port: 0,
      log: createMemorySink(),
    });
    closers.push(() => twin.close());
    const response = await request(`${twin.url}/instance/create`, {
      method: 'POST',
      headers: { apikey: KIT_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(createBody(`http://127.0.0.1:${(chatwoot.address() as AddressInfo).port}`)),
    });
    const answeredAt = performance.now();
    expect(response.statusCode).toBe(201);
    await response.body.text();
    const first = await waitFor(() => firstCallAt, { timeoutMs: 10_000, description: 'the first Chatwoot call' });
    expect(answeredAt).toBeLessThan(first);
  });

  it('writes the 201 out before it creates its first Chatwoot request (in-process order, not a timing race)', async () => {
    const chatwoot = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"error":"Invalid Access Token"}');
      });
    });
    await new Promise<void>((resolve) => chatwoot.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => chatwoot.close(() => resolve())));
    const chatwootOrigin = `http://127.0.0.1:${(chatwoot.address() as AddressInfo).port}`;
    const order: string[] = [];
    // Node's own channels: the server's answer handed to the socket, and each undici request as it is created.
    const onFinish = (message: unknown) => {
      if ((message as { request: IncomingMessage }).request.url === '/instance/create') order.push('201 written');
    };
    const onRequest = (message: unknown) => {
      if (String((message as { request: { origin: unknown } }).request.origin).startsWith(chatwootOrigin)) order.push('chatwoot request');
    };
    subscribe('http.server.response.finish', onFinish);
    subscribe('undici:request:create', onRequest);
    closers.push(() => {
      unsubscribe('http.server.response.finish', onFinish);
      unsubscribe('undici:request:create', onRequest);
    });
    const twin = await startEvolutionTwin({
      env: { TWIN_VERSION: version, SERVER_URL: 'http://127.0.0.1:8080', AUTHENTICATION_API_KEY: KIT_API_KEY },
      port: 0,
      log: createMemorySink(),
    });
    closers.push(() => twin.close());
    const response = await request(`${twin.url}/instance/create`, {
      method: 'POST',
      headers: { apikey: KIT_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(createBody(chatwootOrigin)),
    });
    expect(response.statusCode).toBe(201);
    await response.body.text();
    await waitFor(() => order.includes('chatwoot request') || undefined, { timeoutMs: 10_000, description: 'the first Chatwoot request' });
    expect(order.slice(0, 2)).toEqual(['201 written', 'chatwoot request']);
  });
});
