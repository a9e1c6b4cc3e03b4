import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../common/wait-for.ts';
import { reserveClosedPort } from '../../common/closed-port.ts';
import { startKit, type Kit } from './test-support/evolution-test-kit.ts';
import { botWebhook } from './test-support/call-sequence-flows.ts';
import { stopKitDatabase } from './test-support/kit-database.ts';

/** CACHE_REDIS_ENABLED with no Redis behind the URI: Chatwoot operations hang (evolution-api-2.x.md §1.3, §6). */
const kits: Kit[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((kit) => kit.close()));
});
afterAll(stopKitDatabase);

describe('the 2.x Redis cache link', () => {
  it('with Redis unreachable: 201, no Chatwoot call, the webhook never answers, "redis disconnected" repeats', async () => {
    const port = await reserveClosedPort();
    const k = await startKit({ version: '2.2.3', env: { CACHE_REDIS_ENABLED: 'true', CACHE_REDIS_URI: `redis://127.0.0.1:${port}/6` } });
    kits.push(k);
    expect((await k.createWithChatwoot('hang')).status).toBe(201);
    await waitFor(() => (k.logText().match(/ERROR \[Redis\] \[string\] redis disconnected/g) ?? []).length >= 3, {
      timeoutMs: 10_000,
      intervalMs: 20,
      description: 'repeated redis errors',
    });
    // The webhook waits on the cache: still unanswered after three more reconnect failures (≥ 1.5 s, well past the
    // 500 ms pause; Chatwoot gives up at 5 s).
    const errors = () => (k.logText().match(/ERROR \[Redis\] \[string\] redis disconnected/g) ?? []).length;
    let answered = false;
    const webhook = k.webhook('hang', botWebhook('status')).then(
      () => (answered = true),
      () => undefined,
    );
    const before = errors();
    await waitFor(() => errors() >= before + 3, { timeoutMs: 10_000, intervalMs: 20, description: 'three more redis errors' });
    expect(answered).toBe(false);
    expect(k.recorder.calls()).toEqual([]);
    await k.close();
    kits.pop();
    await webhook;
  });

  it('with a Redis that accepts connections: the bootstrap runs', async () => {
    const server = net.createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const k = await startKit({ version: '2.2.3', env: { CACHE_REDIS_ENABLED: 'true', CACHE_REDIS_URI: `redis://127.0.0.1:${port}/6` } });
      kits.push(k);
      expect((await k.createWithChatwoot('cached')).status).toBe(201);
      await k.waitForMessage((content) => content === 'init', 'the init message');
      await k.close();
      kits.pop();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
