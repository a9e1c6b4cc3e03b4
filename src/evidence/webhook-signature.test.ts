import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createRedactor } from '../common/redact.ts';
import { waitFor } from '../common/wait-for.ts';
import { checkWebhookSignature, createRecordingProxy, type RecordingProxy } from './recording-proxy.ts';

const SECRET = 'inbox-signing-secret-0123456789';
const sign = (secret: string, timestamp: string, body: string) => `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

describe('signed webhooks checked where the receiver stands (chatwoot-3.10-4.x.md §0.4)', () => {
  let upstream: http.Server;
  let proxy: RecordingProxy;
  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    proxy = await createRecordingProxy({
      upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      link: 'chatwoot->evolution',
      redactor: createRedactor(),
    });
  });
  afterAll(async () => {
    await proxy.close();
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  const post = async (body: string, headers: Record<string, string>) => {
    const answer = await request(`${proxy.url}/chatwoot/webhook/x`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await answer.body.dump();
  };
  const recorded = (marker: string) => waitFor(() => proxy.exchanges({ contains: marker })[0]?.exchange, { timeoutMs: 5_000, description: marker });

  it('checks nothing before a secret is registered, then verifies on the raw bytes (even where the recorded copy is redacted)', async () => {
    const timestamp = '1796245195';
    const before = '{"n":"before","pubsub_token":"tok-1234567890abcdef"}';
    await post(before, { 'x-chatwoot-timestamp': timestamp, 'x-chatwoot-signature': sign(SECRET, timestamp, before) });
    expect((await recorded('before')).signature).toBeUndefined();

    const registered = await request(`${proxy.url}/__evochat/webhook-secrets`, { method: 'POST', body: JSON.stringify({ secret: SECRET }) });
    expect(registered.statusCode).toBe(200);
    await registered.body.dump();

    const good = '{"n":"good","pubsub_token":"tok-1234567890abcdef"}';
    await post(good, { 'x-chatwoot-timestamp': timestamp, 'x-chatwoot-signature': sign(SECRET, timestamp, good) });
    const goodExchange = await recorded('good');
    expect(goodExchange.signature).toEqual({ verified: true });
    expect(goodExchange.request.body).not.toContain('tok-1234567890abcdef');

    const forged = '{"n":"forged"}';
    await post(forged, { 'x-chatwoot-timestamp': timestamp, 'x-chatwoot-signature': sign('another-secret', timestamp, forged) });
    expect((await recorded('forged')).signature).toEqual({ verified: false });
    // The secret itself never shows in what the proxy hands out.
    expect(JSON.stringify(proxy.exchanges())).not.toContain(SECRET);
  });

  it('needs both headers and a secret', () => {
    const body = Buffer.from('{}');
    expect(checkWebhookSignature({ 'x-chatwoot-signature': sign(SECRET, '1', '{}') }, body, [SECRET])).toBeUndefined();
    expect(checkWebhookSignature({ 'x-chatwoot-signature': sign(SECRET, '1', '{}'), 'x-chatwoot-timestamp': '1' }, body, [])).toBeUndefined();
    expect(checkWebhookSignature({ 'x-chatwoot-signature': sign(SECRET, '1', '{}'), 'x-chatwoot-timestamp': '1' }, body, [SECRET])).toEqual({ verified: true });
  });
});
