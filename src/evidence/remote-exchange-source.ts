import { request } from 'undici';
import { z } from 'zod';
import { Exchange } from '../model/result-schema.ts';
import { ErrorCodes, InfrastructureError } from '../errors/index.ts';
import { parseSince, type ExchangeFilter, type RecordedExchange } from './evidence-types.ts';
import { CONTROL_PREFIX } from '../model/harness-wire.ts';
import type { ExchangeSource } from './evidence-hub.ts';

const ExchangeList = z.object({
  /** The newest recording number: the next cursor. */
  recorded: z.number().int().nonnegative(),
  exchanges: z.array(z.object({ cells: z.array(z.string()), exchange: Exchange, startedAtMs: z.number() })),
});

/** A proxy's recordings read by cursor: what was recorded after the `after`-th exchange, and the new cursor. */
export interface RecordingCursorSource {
  name: string;
  listAfter(after: number): Promise<{ recorded: number; exchanges: RecordedExchange[] }>;
}

/** Reads a proxy's recordings over its control API (a proxy twin running as a container). */
export function createRemoteExchangeSource(name: string, proxyUrl: string): ExchangeSource & RecordingCursorSource {
  const fetchList = async (query: URLSearchParams) => {
    const response = await request(`${proxyUrl}${CONTROL_PREFIX}exchanges?${query}`);
    const body = await response.body.json();
    if (response.statusCode !== 200) {
      throw new InfrastructureError(ErrorCodes.serviceUnreachable, `proxy ${name} answered ${response.statusCode} to an exchange listing`);
    }
    return ExchangeList.parse(body);
  };
  return {
    name,
    async list(filter: ExchangeFilter) {
      const query = new URLSearchParams();
      const since = parseSince(filter.since);
      if (since !== undefined) query.set('since', String(since));
      if (filter.cell) query.set('cell', filter.cell);
      if (filter.link) query.set('link', filter.link);
      if (filter.failed) query.set('failed', 'true');
      if (filter.contains !== undefined) query.set('contains', filter.contains);
      return (await fetchList(query)).exchanges;
    },
    listAfter: (after: number) => fetchList(new URLSearchParams({ after: String(after) })),
  };
}
