import type { Redactor } from '../common/redact.ts';
import type { Exchange } from '../result/result-schema.ts';
import { matchesExchangeFilter, parseSince, type ExchangeFilter, type RecordedExchange } from './evidence-types.ts';

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
  private readonly maxExchanges: number;
  private readonly maxBytes: number;

  constructor(options: ExchangeStoreOptions = {}) {
    this.maxExchanges = options.maxExchanges ?? 20_000;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  }

  add(item: RecordedExchange): void {
    this.items.push(item);
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
    const since = parseSince(filter.since);
    const candidates = filter.cell === undefined ? this.items : (this.byCell.get(filter.cell) ?? []);
    return candidates
      .filter((item) => matchesExchangeFilter(item, filter, since))
      .map((item) => (redactor ? { ...item, exchange: redactExchange(item.exchange, redactor) } : item));
  }
}

export function redactExchange(exchange: Exchange, redactor: Redactor): Exchange {
  return {
    ...exchange,
    request: {
      ...exchange.request,
      url: redactor.text(exchange.request.url),
      headers: redactor.headers(exchange.request.headers),
      body: redactor.text(exchange.request.body),
    },
    response: exchange.response
      ? { ...exchange.response, headers: redactor.headers(exchange.response.headers), body: redactor.text(exchange.response.body) }
      : null,
    ...(exchange.error === undefined ? {} : { error: redactor.text(exchange.error) }),
  };
}
