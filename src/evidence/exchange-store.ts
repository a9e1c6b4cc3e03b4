import type { Redactor } from '../common/redact.ts';
import { createRedactionCache } from '../common/redaction-cache.ts';
import type { Exchange } from '../model/result-schema.ts';
import { filterExchanges, type ExchangeFilter, type RecordedExchange } from './evidence-types.ts';

export interface ExchangeStoreOptions {
  /** Oldest exchanges are dropped beyond this count. */
  maxExchanges?: number;
  /** …or beyond this many recorded body bytes in total. */
  maxBytes?: number;
}

function exchangeBytes(exchange: Exchange): number {
  return exchange.request.body.length + (exchange.response?.body.length ?? 0);
}

/** A bounded, append-only list of recorded exchanges; redaction happens on read, so late-registered secrets apply too. */
export class ExchangeStore {
  private readonly items: RecordedExchange[] = [];
  /** The same items per cell, in the same order: scenarios poll their own cell's evidence often. */
  private readonly byCell = new Map<string, RecordedExchange[]>();
  private bytes = 0;
  dropped = 0;
  /** How many exchanges were ever added: the recording number of the newest one (the first is 1). */
  recorded = 0;
  private readonly maxExchanges: number;
  private readonly maxBytes: number;

  constructor(options: ExchangeStoreOptions = {}) {
    this.maxExchanges = options.maxExchanges ?? 20_000;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  }

  add(item: RecordedExchange): void {
    this.items.push(item);
    this.recorded += 1;
    for (const cell of item.cells) {
      let list = this.byCell.get(cell);
      if (!list) this.byCell.set(cell, (list = []));
      list.push(item);
    }
    this.bytes += exchangeBytes(item.exchange);
    while (this.items.length > this.maxExchanges || (this.bytes > this.maxBytes && this.items.length > 1)) {
      const removed = this.items.shift()!;
      for (const cell of removed.cells) this.byCell.get(cell)?.shift();
      this.bytes -= exchangeBytes(removed.exchange);
      this.dropped += 1;
    }
  }

  list(filter: ExchangeFilter = {}, redactor?: Redactor): RecordedExchange[] {
    const candidates = filter.cell === undefined ? this.items : (this.byCell.get(filter.cell) ?? []);
    return redactedItems(filterExchanges(candidates, filter), redactor);
  }

  /**
   * The exchanges recorded after the `after`-th one (in recording order, i.e. as they completed) that match the
   * filter: a reader that keeps `recorded` as its cursor gets every exchange exactly once, however long one lasted.
   */
  listAfter(after: number, filter: ExchangeFilter = {}, redactor?: Redactor): RecordedExchange[] {
    const firstNumber = this.recorded - this.items.length + 1;
    const newer = this.items.slice(Math.max(0, after - firstNumber + 1));
    return redactedItems(filterExchanges(newer, filter), redactor);
  }
}

function redactedItems(items: RecordedExchange[], redactor: Redactor | undefined): RecordedExchange[] {
  return redactor ? items.map((item) => ({ ...item, exchange: redactExchange(item.exchange, redactor) })) : items;
}

function header(headers: Record<string, string>, name: string): string | undefined {
  return headers[name] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

const learned = new WeakMap<Redactor, WeakSet<Exchange>>();

/**
 * Registers every credential an exchange carries (JSON/form bodies by key, secret headers), so each is also
 * redacted by value wherever else it shows up: URLs, log lines, other exchanges, reports. Call it as soon as
 * an exchange is recorded, so later reads of anything already know its secrets.
 */
export function learnExchangeSecrets(exchange: Exchange, redactor: Redactor): void {
  let seen = learned.get(redactor);
  if (!seen) learned.set(redactor, (seen = new WeakSet()));
  // Recorded exchanges are immutable: the proxy learns them as they complete, the first read need not parse them again.
  if (seen.has(exchange)) return;
  seen.add(exchange);
  redactor.learnHeaders(exchange.request.headers);
  redactor.learn(exchange.request.body, header(exchange.request.headers, 'content-type'));
  if (exchange.response) {
    redactor.learnHeaders(exchange.response.headers);
    redactor.learn(exchange.response.body, header(exchange.response.headers, 'content-type'));
  }
}

/**
 * Applies `fn` to every text of an exchange that can carry a secret (URL, header values, bodies, error). The same
 * object comes back when `fn` changed nothing: cached copies are brought up to date on every poll, and almost
 * always no new secret is in them.
 */
export function mapExchangeText(exchange: Exchange, fn: (text: string) => string): Exchange {
  let changed = false;
  const map = (text: string) => {
    const mapped = fn(text);
    if (mapped !== text) changed = true;
    return mapped;
  };
  const mapHeaders = (headers: Record<string, string>) => {
    let differs = false;
    const entries = Object.entries(headers).map(([name, value]) => {
      const mapped = map(value);
      if (mapped !== value) differs = true;
      return [name, mapped] as const;
    });
    return differs ? Object.fromEntries(entries) : headers;
  };
  const request = { url: map(exchange.request.url), headers: mapHeaders(exchange.request.headers), body: map(exchange.request.body) };
  const response = exchange.response ? { headers: mapHeaders(exchange.response.headers), body: map(exchange.response.body) } : null;
  const error = exchange.error === undefined ? undefined : map(exchange.error);
  if (!changed) return exchange;
  return {
    ...exchange,
    request: { ...exchange.request, ...request },
    response: exchange.response && response ? { ...exchange.response, ...response } : null,
    ...(error === undefined ? {} : { error }),
  };
}

function redactFully(exchange: Exchange, redactor: Redactor): Exchange {
  learnExchangeSecrets(exchange, redactor);
  // Bodies before the URL and headers: key redaction of a (truncated, unparsable) body can register more.
  const requestBody = redactor.text(exchange.request.body);
  const responseBody = exchange.response ? redactor.text(exchange.response.body) : '';
  return {
    ...exchange,
    request: { ...exchange.request, url: redactor.text(exchange.request.url), headers: redactor.headers(exchange.request.headers), body: requestBody },
    response: exchange.response ? { ...exchange.response, headers: redactor.headers(exchange.response.headers), body: responseBody } : null,
    ...(exchange.error === undefined ? {} : { error: redactor.text(exchange.error) }),
  };
}

const caches = new WeakMap<Redactor, (exchange: Exchange) => Exchange>();

/**
 * The exchange redacted by key, by value and by position. It learns the exchange's secrets first (a key in the
 * response body may also sit in the request URL). Cached per redactor: a proxy's control API and the evidence
 * hub list the same exchanges on every poll; the copy is brought up to date with secrets registered since.
 */
export function redactExchange(exchange: Exchange, redactor: Redactor): Exchange {
  let cached = caches.get(redactor);
  if (!cached) {
    cached = createRedactionCache(
      redactor,
      (item: Exchange) => redactFully(item, redactor),
      (value, version) => mapExchangeText(value, (text) => redactor.since(version, text)),
    );
    caches.set(redactor, cached);
  }
  return cached(exchange);
}
