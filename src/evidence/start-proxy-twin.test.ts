import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createMemorySink } from '../common/log-sink.ts';
import { ConfigError } from '../errors/index.ts';
import { startTwin } from '../twins/start-twin.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('proxy twin role', () => {
  it('starts a recording proxy from env and serves its exchanges', async () => {
    const upstream = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => upstream.close(() => resolve())));
    const log = createMemorySink();
    const twin = await startTwin('proxy', {
      env: { TWIN_PROXY_UPSTREAM: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, TWIN_PROXY_LINK: 'chatwoot->evolution', PORT: '0' },
      log,
    });
    cleanups.push(() => twin.close());
    expect(twin.role).toBe('proxy');
    await (await request(`${twin.url}/chatwoot/webhook/x`, { method: 'POST', body: '{}' })).body.dump();
    const listed = (await (await request(`${twin.url}/__evochat/exchanges`)).body.json()) as { link: string; exchanges: { exchange: { link: string } }[] };
    expect(listed.link).toBe('chatwoot->evolution');
    expect(listed.exchanges.map((e) => e.exchange.link)).toEqual(['chatwoot->evolution']);
    expect(log.lines().join('\n')).toContain('listening on');
  });

  it('rejects an environment without an upstream', async () => {
    await expect(startTwin('proxy', { env: { PORT: '0' }, log: createMemorySink() })).rejects.toBeInstanceOf(ConfigError);
  });

  it('starts the latency kind', async () => {
    const twin = await startTwin('proxy', {
      env: { TWIN_PROXY_UPSTREAM: 'http://127.0.0.1:9', TWIN_PROXY_KIND: 'latency', TWIN_PROXY_DELAY_MS: '15', PORT: '0' },
      log: createMemorySink(),
    });
    cleanups.push(() => twin.close());
    expect(await (await request(`${twin.url}/__evochat/latency`)).body.json()).toEqual({ delayMs: 15 });
  });
});
