import type { Exchange, LogExcerpt } from './result-schema.ts';

/** What a backend collected for one cell after its scenarios ran: the raw material of diagnosis. */
export interface CellEvidence {
  exchanges: Exchange[];
  logs: LogExcerpt[];
  /** Full logs written to disk, relative to artifactsDir: service name → path. */
  logFiles: Record<string, string>;
}
