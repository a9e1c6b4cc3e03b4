import type { Exchange } from '../model/result-schema.ts';

/** What a classifier sees of a request: enough to attribute it to cells, nothing secret needed. */
export interface ClassifiableRequest {
  method: string;
  /** Raw request target, e.g. `/api/v1/accounts/3/conversations/filter?page=1`. */
  url: string;
}

/** Returns the cells an exchange belongs to; empty when it cannot be attributed. */
export type CellClassifier = (request: ClassifiableRequest) => readonly string[];

/** One recorded exchange and the cells it was attributed to. Bodies are stored raw and redacted on read. */
export interface RecordedExchange {
  cells: readonly string[];
  exchange: Exchange;
  /** Epoch ms of the request start, for `since` filters. */
  startedAtMs: number;
}

export interface ExchangeFilter {
  /** Only exchanges that started at or after this instant (epoch ms or ISO string). */
  since?: number | string;
  cell?: string;
  link?: string;
  /**
   * Only exchanges without a complete 2xx/3xx answer: status >= 400, or a transport error (no answer, or one
   * cut off midway). `false` or absent: no condition.
   */
  failed?: boolean;
  /** Only exchanges whose request URL or request body contains this text (as recorded; response bodies are not searched). */
  contains?: string;
}

/** An exchange that got no complete 2xx/3xx answer. */
export function isFailedExchange(exchange: Exchange): boolean {
  return exchange.error !== undefined || exchange.response === null || exchange.response.status >= 400;
}

/**
 * THE filter contract of every ExchangeSource (in-process store, proxy control API, the docker backend's cache):
 * all of them filter through this one function, so they cannot drift apart. Every condition given must hold.
 * `since` is passed parsed (parseSince), so a caller filtering many items parses it once.
 */
export function matchesExchangeFilter(item: RecordedExchange, filter: ExchangeFilter, since: number | undefined = parseSince(filter.since)): boolean {
  const { exchange } = item;
  if (since !== undefined && item.startedAtMs < since) return false;
  if (filter.cell !== undefined && !item.cells.includes(filter.cell)) return false;
  if (filter.link !== undefined && exchange.link !== filter.link) return false;
  if (filter.failed === true && !isFailedExchange(exchange)) return false;
  if (filter.contains !== undefined && !exchange.request.url.includes(filter.contains) && !exchange.request.body.includes(filter.contains)) return false;
  return true;
}

/** The items that match a filter, in their order. */
export function filterExchanges<T extends RecordedExchange>(items: readonly T[], filter: ExchangeFilter): T[] {
  const since = parseSince(filter.since);
  return items.filter((item) => matchesExchangeFilter(item, filter, since));
}

export interface LogEntry {
  /** Epoch ms when the line was captured. */
  at: number;
  line: string;
}

/** Parses a `since` value given as epoch ms (number or digits) or an ISO date; undefined when absent or invalid. */
export function parseSince(since: number | string | undefined | null): number | undefined {
  if (since === undefined || since === null || since === '') return undefined;
  if (typeof since === 'number') return Number.isFinite(since) ? since : undefined;
  if (/^\d+$/.test(since)) return Number(since);
  const parsed = Date.parse(since);
  return Number.isNaN(parsed) ? undefined : parsed;
}
