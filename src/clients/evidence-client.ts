import { z } from 'zod';
import { Exchange } from '../model/result-schema.ts';
import { createHttpClient, type HttpClient } from './http-client.ts';
import { ProbeResult } from '../model/probe-result.ts';
import { CONTROL_PREFIX } from '../model/harness-wire.ts';

const ExchangeList = z.object({ exchanges: z.array(Exchange) });
const LogList = z.object({
  logs: z.array(z.object({ service: z.string(), entries: z.array(z.object({ at: z.number(), line: z.string() })), truncated: z.boolean() })),
});

export interface LogLine {
  service: string;
  at: number;
  line: string;
}

/** Reads a cell's recorded evidence (CellStack.evidenceUrl): what scenarios use to find the decisive exchange. */
export class EvidenceClient {
  private readonly http: HttpClient;

  constructor(cellEvidenceUrl: string) {
    this.http = createHttpClient({ baseUrl: cellEvidenceUrl, service: 'evidence' });
  }

  async exchanges(filter: { since?: number; link?: string; failed?: boolean; contains?: string } = {}): Promise<Exchange[]> {
    const query = { since: filter.since, link: filter.link, failed: filter.failed ? 'true' : undefined, contains: filter.contains };
    const response = await this.http.json({ method: 'GET', path: '/exchanges', query }, ExchangeList);
    return response.exchanges;
  }

  async logs(filter: { since?: number; service?: string; contains?: string } = {}): Promise<LogLine[]> {
    const response = await this.http.json(
      { method: 'GET', path: '/logs', query: { since: filter.since, service: filter.service, contains: filter.contains } },
      LogList,
    );
    return response.logs.flatMap((log) => log.entries.map((entry) => ({ service: log.service, at: entry.at, line: entry.line })));
  }
}

/** Asks a recording proxy to fetch a URL from where it stands (`POST /__evochat/probe`): "fetch from Evolution's side". */
export async function probeFrom(proxyUrl: string, url: string): Promise<ProbeResult> {
  const http = createHttpClient({ baseUrl: proxyUrl, service: 'proxy' });
  return http.json({ method: 'POST', path: `${CONTROL_PREFIX}probe`, json: { url } }, ProbeResult);
}
