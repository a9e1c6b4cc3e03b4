import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemorySink } from '../../common/log-sink.ts';
import type { StartedTwin } from '../../model/twin-types.ts';
import { parseEvolutionConfig } from './evolution-config.ts';
import { UPSTREAM_BODY_LIMIT_BYTES } from './read-limited-body.ts';
import { startEvolutionTwin } from './start-evolution-twin.ts';

/** Evolution's error handler around body-parser's PayloadTooLargeError (evolution-api-1.7.md §2.1). */
const TOO_LARGE = { status: 413, error: 'Internal Server Error', response: { message: 'request entity too large' } };
const MIB = 1024 * 1024;

const twins: StartedTwin[] = [];
afterEach(async () => {
  while (twins.length) await twins.pop()!.close();
});

async function twin(env: Record<string, string> = {}): Promise<StartedTwin> {
  const started = await startEvolutionTwin({
    env: { AUTHENTICATION_API_KEY: 'body-limit-key', SERVER_URL: 'http://127.0.0.1:1', ...env },
    port: 0,
    log: createMemorySink(),
  });
  twins.push(started);
  // A first request of some size, so the RSS baseline of a measured one already includes warmed-up buffers and code.
  await post(`${started.url}/chatwoot/webhook/warm-up`, 16 * MIB, { chunked: true, contentType: 'text/plain' });
  return started;
}

interface Sent {
  status: number;
  json: unknown;
  /** Largest RSS growth seen while the request ran. */
  rssGrowthBytes: number;
}

/** POSTs `total` bytes in 1 MiB chunks, honouring back-pressure; with or without a Content-Length. */
function post(url: string, total: number, options: { chunked: boolean; contentType?: string; fill?: number }): Promise<Sent> {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const chunk = Buffer.alloc(MIB, options.fill ?? 0x20);
  return new Promise<Sent>((resolve, reject) => {
    const target = new URL(url);
    const client = http.request({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: 'POST',
      headers: {
        'content-type': options.contentType ?? 'application/json',
        ...(options.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(total) }),
      },
    });
    client.on('error', reject);
    client.on('response', (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => {
        clearInterval(sampler);
        const text = Buffer.concat(parts).toString('utf8');
        resolve({ status: response.statusCode ?? 0, json: text ? JSON.parse(text) : undefined, rssGrowthBytes: Math.max(0, peak - baseline) });
      });
    });
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
        sent += piece.length;
        if (!client.write(piece)) return void client.once('drain', pump);
      }
      client.end();
    };
    pump();
  });
}

describe('Evolution twin: request body limit (Express json/urlencoded 136mb)', () => {
  it("defaults to exactly upstream's limit", () => {
    expect(UPSTREAM_BODY_LIMIT_BYTES).toBe(142_606_336);
    expect(parseEvolutionConfig({ AUTHENTICATION_API_KEY: 'k' }).bodyLimitBytes).toBe(UPSTREAM_BODY_LIMIT_BYTES);
  });

  it('answers a 150 MB webhook POST with a Content-Length like upstream, 413, deciding before reading (nothing held)', async () => {
    const evolution = await twin();
    const sent = await post(`${evolution.url}/chatwoot/webhook/any-instance`, 150 * 1000 * 1000, { chunked: false });
    console.log(`body limit: 150 MB with Content-Length → ${sent.status}, RSS grew ${(sent.rssGrowthBytes / MIB).toFixed(1)} MiB`);
    expect(sent.status).toBe(413);
    expect(sent.json).toEqual(TOO_LARGE);
    // Holding the body and its text (the old way) costs 300 MB; what remains is buffers in flight and GC slack.
    expect(sent.rssGrowthBytes).toBeLessThan(100 * MIB);
  }, 120_000);

  it('answers a 150 MB chunked webhook POST like upstream, 413, holding no more than the limit', async () => {
    const evolution = await twin();
    const sent = await post(`${evolution.url}/chatwoot/webhook/any-instance`, 150 * 1000 * 1000, { chunked: true });
    console.log(
      `body limit: 150 MB chunked → ${sent.status}, RSS grew ${(sent.rssGrowthBytes / MIB).toFixed(1)} MiB (limit ${UPSTREAM_BODY_LIMIT_BYTES / MIB} MiB)`,
    );
    expect(sent.status).toBe(413);
    expect(sent.json).toEqual(TOO_LARGE);
    // Up to the limit is held, as raw-body does; the whole body and its text (the old way) would be twice 150 MB.
    expect(sent.rssGrowthBytes).toBeLessThan(UPSTREAM_BODY_LIMIT_BYTES + 48 * MIB);
  }, 120_000);

  it('drops everything past the limit of a chunked body: memory does not grow with the body', async () => {
    const evolution = await twin({ TWIN_BODY_LIMIT_BYTES: String(4 * MIB) });
    const sent = await post(`${evolution.url}/chatwoot/webhook/any-instance`, 300 * MIB, { chunked: true });
    console.log(`body limit: 300 MiB chunked past a 4 MiB limit → ${sent.status}, RSS grew ${(sent.rssGrowthBytes / MIB).toFixed(1)} MiB`);
    expect(sent).toMatchObject({ status: 413, json: TOO_LARGE });
    expect(sent.rssGrowthBytes).toBeLessThan(100 * MIB);
  }, 120_000);

  it('still parses a body exactly at the limit, and refuses one byte more (JSON and urlencoded)', async () => {
    const limit = 64 * 1024;
    const evolution = await twin({ TWIN_BODY_LIMIT_BYTES: String(limit) });
    const send = (body: string, contentType: string, chunked: boolean) =>
      new Promise<{ status: number; json: unknown }>((resolve, reject) => {
        const target = new URL(`${evolution.url}/chatwoot/webhook/any-instance`);
        const client = http.request({
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': contentType, ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(Buffer.byteLength(body)) }) },
        });
        client.on('error', reject);
        client.on('response', (response) => {
          const parts: Buffer[] = [];
          response.on('data', (part: Buffer) => parts.push(part));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(Buffer.concat(parts).toString('utf8')) }));
        });
        client.end(body);
      });
    const shell = JSON.stringify({ event: 'message_created', pad: '' });
    const atLimit = JSON.stringify({ event: 'message_created', pad: 'x'.repeat(limit - shell.length) });
    const form = `event=message_created&pad=${'x'.repeat(limit - 'event=message_created&pad='.length)}`;
    expect(Buffer.byteLength(atLimit)).toBe(limit);
    expect(Buffer.byteLength(form)).toBe(limit);
    for (const chunked of [false, true]) {
      expect((await send(atLimit, 'application/json', chunked)).status).toBe(200);
      expect(await send(`${atLimit} `, 'application/json', chunked)).toEqual({ status: 413, json: TOO_LARGE });
      expect((await send(form, 'application/x-www-form-urlencoded', chunked)).status).toBe(200);
      expect(await send(`${form}x`, 'application/x-www-form-urlencoded', chunked)).toEqual({ status: 413, json: TOO_LARGE });
    }
  });

  it('never reads a body of another type (Express has no parser for it), so its size does not matter', async () => {
    const evolution = await twin({ TWIN_BODY_LIMIT_BYTES: '1024' });
    const sent = await post(`${evolution.url}/chatwoot/webhook/any-instance`, 8 * MIB, { chunked: true, contentType: 'text/plain' });
    expect(sent.status).toBe(200);
  });
});
