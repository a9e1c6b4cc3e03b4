import { describe, expect, it } from 'vitest';
import type { RecordedExchange } from '../../evidence/evidence-types.ts';
import { cachedProxySource } from './cached-exchange-source.ts';

function exchange(id: string, url: string, startedAtMs: number): RecordedExchange {
  return {
    cells: [],
    startedAtMs,
    exchange: {
      id,
      link: 'evolution->chatwoot',
      startedAt: new Date(startedAtMs).toISOString(),
      durationMs: 1,
      request: { method: 'GET', url, headers: {}, body: '', bodyTruncated: false },
      response: { status: 200, headers: {}, body: '', bodyTruncated: false },
    },
  };
}

/** A proxy's control API read by cursor (items in recording order), counting calls. */
function fakeRemote(items: RecordedExchange[]) {
  const calls: number[] = [];
  return {
    calls,
    source: {
      name: 'fake',
      listAfter(after: number) {
        calls.push(after);
        return Promise.resolve({ recorded: items.length, exchanges: items.slice(after) });
      },
    },
  };
}

const classify = ({ url }: { url: string }) => (url.includes('/accounts/1/') ? ['cell-a'] : url.includes('/accounts/2/') ? ['cell-b'] : ['cell-a', 'cell-b']);

describe('cachedProxySource', () => {
  it("attributes cells with the proxy's classifier and makes ids unique per proxy", async () => {
    const remote = fakeRemote([exchange('e-1', '/api/v1/accounts/1/inboxes', 1000), exchange('e-2', '/api/v1/accounts/2/inboxes', 1001)]);
    const source = cachedProxySource(remote.source, { cells: ['cell-a', 'cell-b'], classify, idPrefix: 'cw-proxy', now: () => 5000, minIntervalMs: 0 });
    const forA = await source.list({ cell: 'cell-a' });
    expect(forA.map((item) => item.exchange.id)).toEqual(['cw-proxy:e-1']);
    expect(forA[0]!.cells).toEqual(['cell-a']);
  });

  it('fetches only what was recorded since the last fetch, also an exchange that started long before it', async () => {
    const items = [exchange('e-1', '/x', 1000)];
    const remote = fakeRemote(items);
    const source = cachedProxySource(remote.source, { cells: ['cell-a'], classify, idPrefix: 'p', minIntervalMs: 0 });
    expect(await source.list({})).toHaveLength(1);
    // e-2 started before the first fetch and completed after it (a webhook held 5 s): recorded after it, so fetched.
    items.push(exchange('e-2', '/x', 500), exchange('e-3', '/x', 10_500));
    expect((await source.list({})).map((item) => item.exchange.id)).toEqual(['p:e-1', 'p:e-2', 'p:e-3']);
    expect(await source.list({})).toHaveLength(3);
    expect(remote.calls).toEqual([0, 1, 3]);
    expect((await source.list({ since: 10_000 })).map((item) => item.exchange.id)).toEqual(['p:e-3']);
  });

  it('never asks the proxy about a cell it does not serve, and shares one fetch between concurrent readers', async () => {
    const remote = fakeRemote([exchange('e-1', '/x', 1000)]);
    const source = cachedProxySource(remote.source, { cells: ['cell-a'], classify, idPrefix: 'p', now: () => 0 });
    expect(await source.list({ cell: 'cell-z' })).toEqual([]);
    expect(remote.calls).toHaveLength(0);
    await Promise.all([source.list({}), source.list({}), source.list({ cell: 'cell-a' })]);
    expect(remote.calls).toHaveLength(1);
  });
});
