import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createLatencyProxy } from './latency-proxy.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function echoServer(): Promise<string> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res.writeHead(200).end(Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function timed(url: string, body: string): Promise<{ ms: number; text: string }> {
  const started = performance.now();
  const response = await request(url, { method: 'PUT', body });
  const text = await response.body.text();
  return { ms: performance.now() - started, text };
}

describe('latency proxy', () => {
  it('forwards unchanged without delay, then holds requests for the delay set through its control API', async () => {
    const proxy = await createLatencyProxy({ upstream: await echoServer() });
    cleanups.push(() => proxy.close());
    const fast = await timed(`${proxy.url}/bucket/key`, 'hello');
    expect(fast.text).toBe('hello');

    const set = await request(proxy.controlUrl, { method: 'PUT', body: JSON.stringify({ delayMs: 250 }) });
    expect(await set.body.json()).toEqual({ delayMs: 250 });
    expect(await (await request(proxy.controlUrl)).body.json()).toEqual({ delayMs: 250 });
    const slow = await timed(`${proxy.url}/bucket/key`, 'world');
    expect(slow.text).toBe('world');
    expect(slow.ms).toBeGreaterThanOrEqual(240);
  });

  it('holds only the methods set, and every method again once a setting names none', async () => {
    const proxy = await createLatencyProxy({ upstream: await echoServer() });
    cleanups.push(() => proxy.close());
    const set = await request(proxy.controlUrl, { method: 'PUT', body: JSON.stringify({ delayMs: 300, methods: ['GET', 'HEAD'] }) });
    expect(await set.body.json()).toEqual({ delayMs: 300, methods: ['GET', 'HEAD'] });
    const write = await timed(`${proxy.url}/bucket/key`, 'upload');
    expect(write.text).toBe('upload');
    expect(write.ms).toBeLessThan(250);
    const started = performance.now();
    const read = await request(`${proxy.url}/bucket/key`);
    await read.body.dump();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);

    await (await request(proxy.controlUrl, { method: 'PUT', body: JSON.stringify({ delayMs: 300 }) })).body.dump();
    expect(proxy.methods).toBeUndefined();
    expect((await timed(`${proxy.url}/bucket/key`, 'again')).ms).toBeGreaterThanOrEqual(290);
  });

  it('refuses an unknown method in a setting with 400 and keeps the delay', async () => {
    const proxy = await createLatencyProxy({ upstream: await echoServer() });
    cleanups.push(() => proxy.close());
    const bad = await request(proxy.controlUrl, { method: 'PUT', body: JSON.stringify({ delayMs: 100, methods: ['FETCH'] }) });
    expect(bad.statusCode).toBe(400);
    expect(await bad.body.json()).toEqual({ error: expect.stringContaining('"methods"') });
    expect(proxy.delayMs).toBe(0);
  });

  it('refuses delays outside its bounds', async () => {
    const proxy = await createLatencyProxy({ upstream: await echoServer() });
    cleanups.push(() => proxy.close());
    const tooLong = await request(proxy.controlUrl, { method: 'PUT', body: JSON.stringify({ delayMs: 10_000_000 }) });
    expect(tooLong.statusCode).toBe(400);
    await tooLong.body.dump();
    expect(() => proxy.setDelay(-1)).toThrow(/latency must be/);
    expect(proxy.delayMs).toBe(0);
  });

  it('refuses a control body over its cap with 413 and keeps the delay', async () => {
    const proxy = await createLatencyProxy({ upstream: await echoServer() });
    cleanups.push(() => proxy.close());
    const huge = await request(proxy.controlUrl, { method: 'PUT', body: `{"delayMs":1,"pad":"${'x'.repeat(1024 * 1024)}"}` });
    expect(huge.statusCode).toBe(413);
    await huge.body.dump();
    expect(proxy.delayMs).toBe(0);
  });

  it('closes promptly even while a request is held', async () => {
    const proxy = await createLatencyProxy({ upstream: await echoServer(), delayMs: 20_000 });
    const pending = request(`${proxy.url}/x`, { method: 'PUT', body: 'x' }).catch((error: unknown) => error);
    await new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    await proxy.close();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
