import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createRedactor, REDACTED } from '../common/redact.ts';
import { createCellClassifier } from './cell-classifier.ts';
import { EvidenceHub, serveEvidenceHub } from './evidence-hub.ts';
import { createLogCapture } from './log-capture.ts';
import { createRecordingProxy } from './recording-proxy.ts';
import { createRemoteExchangeSource } from './remote-exchange-source.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('evidence hub', () => {
  it('merges a cell’s exchanges across links and keeps other cells’ log lines out', async () => {
    const upstream = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"secret-token-1"}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => upstream.close(() => resolve())));
    const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

    const redactor = createRedactor();
    const classify = createCellClassifier({
      accounts: new Map([
        [1, ['a']],
        [2, ['b']],
      ]),
      instancePrefixes: new Map([
        ['ia-', 'a'],
        ['ib-', 'b'],
      ]),
    });
    const toChatwoot = await createRecordingProxy({ upstream: origin, link: 'evolution->chatwoot', redactor: createRedactor(), idPrefix: 'e2c' });
    const toEvolution = await createRecordingProxy({ upstream: origin, link: 'chatwoot->evolution', redactor: createRedactor(), idPrefix: 'c2e' });
    cleanups.push(
      () => toChatwoot.close(),
      () => toEvolution.close(),
    );

    const log = createLogCapture({ service: 'evolution' });
    log.write('[ia-bot] connecting');
    log.write('[ib-bot] connecting');
    log.write('ERROR [ChatwootService] [object]');

    const hub = new EvidenceHub({
      exchangeSources: [{ name: 'e2c', list: (filter) => toChatwoot.exchanges(filter) }, createRemoteExchangeSource('c2e', toEvolution.url)],
      logSources: [{ service: 'evolution', cells: ['a', 'b'], entries: (filter) => log.entries(filter) }],
      redactor,
      classify,
      logMarkers: new Map([
        ['a', ['ia-']],
        ['b', ['ib-']],
      ]),
    });
    redactor.add('secret-token-1');

    await (await request(`${toChatwoot.url}/api/v1/accounts/1/inboxes`)).body.dump();
    await (await request(`${toChatwoot.url}/api/v1/accounts/2/inboxes`)).body.dump();
    await (await request(`${toEvolution.url}/chatwoot/webhook/ia-bot`, { method: 'POST', body: '{}' })).body.dump();

    const exchanges = await hub.exchanges('a');
    expect(exchanges.map((e) => [e.link, e.request.url])).toEqual([
      ['evolution->chatwoot', '/api/v1/accounts/1/inboxes'],
      ['chatwoot->evolution', '/chatwoot/webhook/ia-bot'],
    ]);
    expect(exchanges[0]!.response?.body).toBe(`{"token":"${REDACTED}"}`);
    expect(hub.logs('a')[0]!.entries.map((e) => e.line)).toEqual(['[ia-bot] connecting', 'ERROR [ChatwootService] [object]']);

    const served = await serveEvidenceHub(hub);
    cleanups.push(() => served.close());
    const viaHttp = (await (await request(`${served.cellUrl('b')}/exchanges?link=evolution-%3Echatwoot`)).body.json()) as {
      exchanges: { request: { url: string } }[];
    };
    expect(viaHttp.exchanges.map((e) => e.request.url)).toEqual(['/api/v1/accounts/2/inboxes']);
    const logs = (await (await request(`${served.cellUrl('b')}/logs?service=evolution`)).body.json()) as { logs: { entries: { line: string }[] }[] };
    expect(logs.logs[0]!.entries.map((e) => e.line)).toEqual(['[ib-bot] connecting', 'ERROR [ChatwootService] [object]']);
  });

  it('applies a secret registered after an exchange was first read to its cached copy, and learns keys on record', async () => {
    const upstream = http.createServer((req, res) => {
      req.resume();
      if (req.url === '/instance/create')
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"hash":{"apikey":"9C8266D2-948A-400C-B9D6-66EA8A3549C4"}}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => upstream.close(() => resolve())));
    const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const redactor = createRedactor();
    const proxy = await createRecordingProxy({ upstream: origin, link: 'harness->evolution', redactor, idPrefix: 'h2e', classify: () => ['a'] });
    cleanups.push(() => proxy.close());
    const hub = new EvidenceHub({ exchangeSources: [{ name: 'h2e', list: (filter) => proxy.recorded(filter) }], logSources: [], redactor });

    // Read (and cached) before anything reveals the late secret.
    await (await request(`${proxy.url}/webhook/whatsapp/late-secret-77`)).body.dump();
    expect((await hub.exchanges('a'))[0]!.request.url).toBe('/webhook/whatsapp/late-secret-77');
    redactor.add('late-secret-77');
    expect((await hub.exchanges('a'))[0]!.request.url).toBe(`/webhook/whatsapp/${REDACTED}`);

    // hash.apikey is learned when the answer is recorded: a later URL that carries it is redacted by value.
    await (await request(`${proxy.url}/instance/create`, { method: 'POST' })).body.dump();
    await (await request(`${proxy.url}/webhook/whatsapp/9C8266D2-948A-400C-B9D6-66EA8A3549C4`)).body.dump();
    const exchanges = await hub.exchanges('a');
    expect(exchanges.map((exchange) => exchange.request.url)).toEqual([`/webhook/whatsapp/${REDACTED}`, '/instance/create', `/webhook/whatsapp/${REDACTED}`]);
    expect(JSON.parse(exchanges[1]!.response!.body)).toEqual({ hash: { apikey: REDACTED } });
  });

  it('gives each cell its own lines, lines naming several cells to each of them, service-wide lines to all, and counts markers added later', () => {
    const log = createLogCapture({ service: 'chatwoot' });
    for (const line of ['POST /accounts/1/conversations', 'POST /accounts/2/conversations', 'both /accounts/1/ and /accounts/2/', 'Puma started'])
      log.write(line);
    const markers = new Map<string, string[]>([
      ['a', ['/accounts/1/']],
      ['b', ['/accounts/2/']],
      ['c', []],
    ]);
    const hub = new EvidenceHub({
      exchangeSources: [],
      logSources: [{ service: 'chatwoot', cells: ['a', 'b', 'c'], entries: (f) => log.entries(f) }],
      redactor: createRedactor(),
      logMarkers: markers,
    });
    const lines = (cell: string) => hub.logs(cell)[0]!.entries.map((entry) => entry.line);
    expect(lines('a')).toEqual(['POST /accounts/1/conversations', 'both /accounts/1/ and /accounts/2/', 'Puma started']);
    expect(lines('b')).toEqual(['POST /accounts/2/conversations', 'both /accounts/1/ and /accounts/2/', 'Puma started']);
    expect(lines('c')).toEqual(['Puma started']);
    // A marker learned later (an account created after the first read) applies to lines already read.
    markers.get('c')!.push('Puma');
    expect(lines('c')).toEqual(['Puma started']);
    expect(lines('a')).toEqual(['POST /accounts/1/conversations', 'both /accounts/1/ and /accounts/2/']);
  });
});
