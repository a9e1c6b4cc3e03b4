import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { createRedactor } from '../common/redact.ts';
import { waitFor } from '../common/wait-for.ts';
import { forwardableRawHeaders, parseUpstream } from './forward-http.ts';
import { createRecordingProxy, type RecordingProxy } from './recording-proxy.ts';
import { createThrowawayCa, startTlsFront, type ThrowawayCa, type TlsFront } from './test-support/throwaway-ca.ts';

describe('proxy upstreams over https', () => {
  it('an https origin: default port 443, the origin Host header; http keeps the client Host unless asked', () => {
    expect(parseUpstream('https://chat.example.com')).toEqual({
      protocol: 'https:',
      hostname: 'chat.example.com',
      port: 443,
      authority: 'chat.example.com',
      originHost: true,
    });
    expect(parseUpstream('http://127.0.0.1:3000')).toMatchObject({ protocol: 'http:', port: 3000, originHost: false });
    expect(parseUpstream('http://127.0.0.1:3000', { originHost: true }).originHost).toBe(true);
    expect(() => parseUpstream('ftp://x')).toThrow('must be http:// or https://');
    expect(forwardableRawHeaders(['host', '127.0.0.1:9', 'api_access_token', 't', 'Connection', 'close'], 'chat.example.com')).toEqual([
      'Host',
      'chat.example.com',
      'api_access_token',
      't',
    ]);
  });

  describe('certificate verification is on', () => {
    let ca: ThrowawayCa;
    let origin: http.Server;
    let originHits = 0;
    const fronts: TlsFront[] = [];
    const proxies: RecordingProxy[] = [];

    beforeAll(async () => {
      ca = await createThrowawayCa();
      origin = http.createServer((_req, res) => {
        originHits += 1;
        res.end('{"version":"3.8.0"}');
      });
      await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    }, 30_000);

    afterAll(async () => {
      await Promise.all([...proxies.map((proxy) => proxy.close()), ...fronts.map((front) => front.close())]);
      await new Promise((resolve) => origin.close(resolve));
      await ca?.remove();
    });

    // This process trusts neither the throwaway CA (no NODE_EXTRA_CA_CERTS) nor a self-signed certificate.
    for (const [name, pick, code] of [
      ['a self-signed certificate', (c: ThrowawayCa) => c.selfSigned, /DEPTH_ZERO_SELF_SIGNED_CERT/],
      ['a certificate of a CA this process does not trust', (c: ThrowawayCa) => ({ key: c.key, cert: c.cert }), /UNABLE_TO_VERIFY_LEAF_SIGNATURE/],
    ] as const) {
      it(`${name}: the client's connection is reset, the exchange names the TLS error, the origin sees nothing`, async () => {
        const front = await startTlsFront({ ...pick(ca), origin: `http://127.0.0.1:${(origin.address() as AddressInfo).port}` });
        fronts.push(front);
        const proxy = await createRecordingProxy({ upstream: front.url, link: 'evolution->chatwoot', redactor: createRedactor() });
        proxies.push(proxy);
        await expect(request(`${proxy.url}/api`)).rejects.toThrow();
        await waitFor(() => proxy.exchanges().length === 1, { timeoutMs: 5_000, intervalMs: 20, description: 'the failed exchange' });
        expect(proxy.exchanges()[0]!.exchange).toMatchObject({ response: null, error: expect.stringMatching(code) });
        expect(front.seen).toEqual([]);
        expect(originHits).toBe(0);
      });
    }
  });
});
