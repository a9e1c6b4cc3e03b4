import { Hono } from 'hono';
import { z } from 'zod';
import type { Redactor } from '../common/redact.ts';
import { LiteralMatcher, MIN_LITERAL_LENGTH } from '../common/literal-matcher.ts';
import { createRedactionCache } from '../common/redaction-cache.ts';
import { serveApp, type ServedApp } from '../common/serve-app.ts';
import type { Exchange, LogExcerpt } from '../model/result-schema.ts';
import { redactExchange } from './exchange-store.ts';
import { parseSince, type CellClassifier, type ExchangeFilter, type LogEntry, type RecordedExchange } from './evidence-types.ts';

/** Anything that can list recorded exchanges: an in-process proxy, or a proxy container's control API. */
export interface ExchangeSource {
  name: string;
  list(filter: ExchangeFilter): Promise<readonly RecordedExchange[]> | readonly RecordedExchange[];
}

/** One service's captured log, and the cells that use the service. */
export interface LogSource {
  service: string;
  cells: readonly string[];
  entries(filter: { since?: number | string }): readonly LogEntry[];
}

export interface EvidenceHubOptions {
  exchangeSources: readonly ExchangeSource[];
  logSources: readonly LogSource[];
  redactor: Redactor;
  /** Re-attributes exchanges at read time (sources may not know the cells); a source's own cells are kept too. */
  classify?: CellClassifier;
  /** Text that marks a log line as some cell's (instance prefix, `/accounts/<id>/`), used to keep other cells' lines out. */
  logMarkers?: ReadonlyMap<string, readonly string[]>;
}

export interface CellLogLines {
  service: string;
  entries: LogEntry[];
  /** Lines that matched the filter but were cut by the limit. */
  truncated: boolean;
}

/**
 * Reads a cell's evidence across every link and service: what scenarios poll and what collectEvidence
 * returns. Redaction happens once per recorded item and is cached (scenarios poll often); a secret
 * registered later (a token in a later answer) is applied to the cached copy alone, by value only.
 */
export class EvidenceHub {
  private readonly redactedLine: (entry: LogEntry) => string;

  constructor(private readonly options: EvidenceHubOptions) {
    const redactor = options.redactor;
    this.redactedLine = createRedactionCache(
      redactor,
      (entry: LogEntry) => redactor.text(entry.line),
      (line, version) => redactor.since(version, line),
    );
  }

  private redacted(exchange: Exchange): Exchange {
    return redactExchange(exchange, this.options.redactor);
  }

  async exchanges(cellId: string, filter: Omit<ExchangeFilter, 'cell'> = {}): Promise<Exchange[]> {
    const classify = this.options.classify;
    const lists = await Promise.all(
      this.options.exchangeSources.map(async (source) => {
        const items = await source.list({ ...filter, cell: classify ? undefined : cellId });
        return classify
          ? items.filter(
              (item) => item.cells.includes(cellId) || classify({ method: item.exchange.request.method, url: item.exchange.request.url }).includes(cellId),
            )
          : items;
      }),
    );
    return lists
      .flat()
      .sort((a, b) => a.startedAtMs - b.startedAtMs)
      .map((item) => this.redacted(item.exchange));
  }

  private mentions: { markerCount: number; byEntry: WeakMap<LogEntry, readonly string[]>; find: (line: string) => readonly string[] } | undefined;

  /**
   * Which cells a log line names, worked out once per line with one pass over it for all markers (checking every
   * marker of every cell on every line was lines × cells × markers: 2.5 s of a 100-cell run's evidence phase).
   * Rebuilt when markers were added since.
   */
  private mentionIndex(): ((entry: LogEntry) => readonly string[]) | undefined {
    const markers = this.options.logMarkers;
    if (!markers) return undefined;
    let markerCount = 0;
    for (const list of markers.values()) markerCount += list.length;
    if (this.mentions?.markerCount !== markerCount) {
      this.mentions = { markerCount, byEntry: new WeakMap(), find: markerFinder(markers) };
    }
    const { byEntry, find } = this.mentions;
    return (entry) => {
      let cells = byEntry.get(entry);
      if (!cells) {
        cells = find(entry.line);
        byEntry.set(entry, cells);
      }
      return cells;
    };
  }

  logs(cellId: string, filter: { service?: string; since?: number | string; limit?: number; contains?: string } = {}): CellLogLines[] {
    const limit = filter.limit ?? 5000;
    const mentioned = this.mentionIndex();
    // A line is the cell's when it names the cell, or names no cell at all (service-wide lines).
    const isCells = (entry: LogEntry) => {
      const cells = mentioned?.(entry) ?? [];
      return cells.length === 0 || cells.includes(cellId);
    };
    return this.options.logSources
      .filter((source) => source.cells.includes(cellId) && (filter.service === undefined || source.service === filter.service))
      .map((source) => {
        const entries = source
          .entries({ since: filter.since })
          .filter((entry) => filter.contains === undefined || entry.line.includes(filter.contains))
          .filter(isCells)
          .map((entry) => ({ at: entry.at, line: this.redactedLine(entry) }));
        return { service: source.service, entries: entries.slice(-limit), truncated: entries.length > limit };
      });
  }

  logExcerpts(cellId: string, limit?: number): LogExcerpt[] {
    return this.logs(cellId, { limit }).map((log) => ({ service: log.service, lines: log.entries.map((entry) => entry.line), truncated: log.truncated }));
  }
}

/** The cells whose markers occur in a line: one matcher pass; a marker too short for the matcher is looked for by itself. */
function markerFinder(markers: ReadonlyMap<string, readonly string[]>): (line: string) => readonly string[] {
  const matcher = new LiteralMatcher();
  const cellsOf = new Map<string, string[]>();
  const short: { cell: string; marker: string }[] = [];
  for (const [cell, list] of markers) {
    for (const marker of list) {
      if (marker.length < MIN_LITERAL_LENGTH) {
        short.push({ cell, marker });
        continue;
      }
      matcher.add(marker);
      const cells = cellsOf.get(marker) ?? [];
      if (!cells.includes(cell)) cells.push(cell);
      cellsOf.set(marker, cells);
    }
  }
  return (line) => {
    const cells = new Set<string>();
    for (const marker of matcher.occurring(line)) for (const cell of cellsOf.get(marker)!) cells.add(cell);
    for (const { cell, marker } of short) if (line.includes(marker)) cells.add(cell);
    return [...cells];
  };
}

const Query = z.object({
  since: z.string().optional(),
  link: z.string().optional(),
  service: z.string().optional(),
  limit: z.coerce.number().int().positive().max(100_000).optional(),
  failed: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((value) => value === 'true' || value === '1'),
  contains: z.string().optional(),
});

/**
 * HTTP read-back of a hub, one base URL per cell (`<url>/cells/<cellId>`): `GET …/exchanges?since=&link=&failed=&contains=`
 * and `GET …/logs?service=&since=&contains=`. Scenarios in vitest workers poll it; it only ever serves redacted data.
 */
export async function serveEvidenceHub(
  hub: EvidenceHub,
  options: { host?: string; port?: number } = {},
): Promise<ServedApp & { cellUrl(cellId: string): string }> {
  const app = new Hono();
  app.get('/cells/:cell/exchanges', async (c) => {
    const query = Query.parse(c.req.query());
    const since = parseSince(query.since);
    return c.json({ exchanges: await hub.exchanges(c.req.param('cell'), { since, link: query.link, failed: query.failed, contains: query.contains }) });
  });
  app.get('/cells/:cell/logs', (c) => {
    const query = Query.parse(c.req.query());
    return c.json({
      logs: hub.logs(c.req.param('cell'), { service: query.service, since: parseSince(query.since), limit: query.limit, contains: query.contains }),
    });
  });
  app.onError((error, c) => c.json({ error: error.message }, 400));
  const served = await serveApp(app, options);
  return { ...served, cellUrl: (cellId) => `${served.url}/cells/${encodeURIComponent(cellId)}` };
}
