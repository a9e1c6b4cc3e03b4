import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from '../common/redact.ts';
import type { Exchange } from '../model/result-schema.ts';
import { ExchangeStore, mapExchangeText } from './exchange-store.ts';

function exchange(id: string, status: number | null, url = '/x', body = ''): Exchange {
  return {
    id,
    link: 'evolution->chatwoot',
    startedAt: new Date(0).toISOString(),
    durationMs: 1,
    request: { method: 'POST', url, headers: { api_access_token: 'secret-1' }, body, bodyTruncated: false },
    response: status === null ? null : { status, headers: {}, body: '', bodyTruncated: false },
    ...(status === null ? { error: 'ECONNREFUSED' } : {}),
  };
}

describe('exchange store', () => {
  it('filters by cell, time, failure and text, redacting on read', () => {
    const store = new ExchangeStore();
    store.add({ cells: ['a'], exchange: exchange('1', 200, '/api/v1/accounts/1/inboxes'), startedAtMs: 10 });
    store.add({ cells: ['a', 'b'], exchange: exchange('2', 422, '/api/v1/accounts/1/conversations/filter', '{"token":"secret-1"}'), startedAtMs: 20 });
    store.add({ cells: ['b'], exchange: exchange('3', null), startedAtMs: 30 });
    expect(store.list({ cell: 'a' }).map((i) => i.exchange.id)).toEqual(['1', '2']);
    expect(store.list({ cell: 'b', since: 25 }).map((i) => i.exchange.id)).toEqual(['3']);
    expect(store.list({ failed: true }).map((i) => i.exchange.id)).toEqual(['2', '3']);
    expect(store.list({ contains: 'conversations/filter' }).map((i) => i.exchange.id)).toEqual(['2']);
    const [redacted] = store.list({ contains: 'filter' }, createRedactor(['secret-1']));
    expect(redacted!.exchange.request.body).toBe(`{"token":"${REDACTED}"}`);
    expect(redacted!.exchange.request.headers.api_access_token).toBe(REDACTED);
  });

  it('drops the oldest beyond its bounds, from the per-cell view too', () => {
    const store = new ExchangeStore({ maxExchanges: 2 });
    for (let i = 1; i <= 3; i += 1) store.add({ cells: ['a'], exchange: exchange(String(i), 200), startedAtMs: i });
    expect(store.dropped).toBe(1);
    expect(store.list({ cell: 'a' }).map((i) => i.exchange.id)).toEqual(['2', '3']);
    expect(store.list().map((i) => i.exchange.id)).toEqual(['2', '3']);
  });

  it('lists what was recorded after a recording number, with filters, also after the oldest were dropped', () => {
    const store = new ExchangeStore({ maxExchanges: 3 });
    for (let i = 1; i <= 2; i += 1) store.add({ cells: ['a'], exchange: exchange(String(i), 200), startedAtMs: 100 - i });
    expect(store.recorded).toBe(2);
    expect(store.listAfter(0).map((i) => i.exchange.id)).toEqual(['1', '2']);
    expect(store.listAfter(1).map((i) => i.exchange.id)).toEqual(['2']);
    expect(store.listAfter(2)).toEqual([]);
    for (let i = 3; i <= 5; i += 1) store.add({ cells: [i === 4 ? 'b' : 'a'], exchange: exchange(String(i), 200), startedAtMs: 100 - i });
    expect(store.recorded).toBe(5);
    expect(store.listAfter(3).map((i) => i.exchange.id)).toEqual(['4', '5']);
    expect(store.listAfter(3, { cell: 'a' }).map((i) => i.exchange.id)).toEqual(['5']);
    // 1 and 2 were dropped: a cursor before them gets what is left.
    expect(store.listAfter(0).map((i) => i.exchange.id)).toEqual(['3', '4', '5']);
  });
});

describe('mapExchangeText', () => {
  it('returns the same exchange when nothing changed, a new one with every changed text otherwise', () => {
    const original = exchange('1', 200, '/p?k=abc', 'body abc');
    expect(mapExchangeText(original, (text) => text)).toBe(original);
    const mapped = mapExchangeText(original, (text) => text.replaceAll('abc', 'X'));
    expect(mapped).not.toBe(original);
    expect(mapped.request.url).toBe('/p?k=X');
    expect(mapped.request.body).toBe('body X');
    expect(mapped.request.headers).toBe(original.request.headers);
    const headerOnly = mapExchangeText(original, (text) => text.replaceAll('secret-1', 'S'));
    expect(headerOnly.request.headers).toEqual({ api_access_token: 'S' });
    expect(headerOnly.request.body).toBe('body abc');
    expect(original.request.headers.api_access_token).toBe('secret-1');
    const failed = exchange('2', null);
    expect(mapExchangeText(failed, (text) => text.replace('ECONNREFUSED', 'E')).error).toBe('E');
  });
});
