/**
 * Evidence from a proxy container, read over its control API, incrementally: scenarios poll evidence many
 * times a second across cells, and re-downloading a shared proxy's whole recording each time would load the
 * machine more than the scenarios do (measured before the cursor, 12 cells: the recording proxies' containers
 * used ≈ 23 CPU-s, more than the harness). Each fetch asks for what was recorded after the last exchange the
 * previous one saw (the proxy numbers its recordings as they complete, however long one lasted); results are
 * merged by id. Concurrent readers share one fetch.
 */
import type { ExchangeSource } from '../../evidence/evidence-hub.ts';
import { filterExchanges, type CellClassifier, type ExchangeFilter, type RecordedExchange } from '../../evidence/evidence-types.ts';
import type { RecordingCursorSource } from '../../evidence/remote-exchange-source.ts';

export interface CachedSourceOptions {
  /** Readers within this time of the last fetch get the cache (default 100 ms). */
  minIntervalMs?: number;
  now?: () => number;
}

export interface ProxyEvidenceSource extends ExchangeSource {
  /** Which cells the proxy serves; a cell outside them never has exchanges here (no fetch). */
  cells: readonly string[];
}

/**
 * Wraps a remote source: incremental fetching, exchange ids made unique across proxies (every proxy numbers
 * its own), and cells attributed at read time with the proxy's classifier.
 */
export function cachedProxySource(
  remote: RecordingCursorSource,
  options: { cells: readonly string[]; classify: CellClassifier; idPrefix: string } & CachedSourceOptions,
): ProxyEvidenceSource {
  const now = options.now ?? Date.now;
  const minIntervalMs = options.minIntervalMs ?? 100;
  const cache = new Map<string, RecordedExchange>();
  let cursor = 0;
  let lastFetchDoneAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  const refresh = (): Promise<void> => {
    if (inFlight) return inFlight;
    if (now() - lastFetchDoneAt < minIntervalMs) return Promise.resolve();
    inFlight = (async () => {
      try {
        const { recorded, exchanges } = await remote.listAfter(cursor);
        for (const item of exchanges) {
          const id = `${options.idPrefix}:${item.exchange.id}`;
          const cells = options.classify({ method: item.exchange.request.method, url: item.exchange.request.url });
          cache.set(id, { ...item, cells, exchange: { ...item.exchange, id } });
        }
        cursor = recorded;
        lastFetchDoneAt = now();
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };
  return {
    name: remote.name,
    cells: options.cells,
    async list(filter: ExchangeFilter) {
      if (filter.cell !== undefined && !options.cells.includes(filter.cell)) return [];
      await refresh();
      // The same matcher as every other source: the cache holds everything, so every condition applies here.
      return filterExchanges([...cache.values()], filter);
    },
  };
}
