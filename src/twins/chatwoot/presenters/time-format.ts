/** `created_at.to_i`: REST times are unix seconds (chatwoot-3.7-3.9.md §3.2). */
export function unixSeconds(epochMs: number): number;
export function unixSeconds(epochMs: number | null): number | null;
export function unixSeconds(epochMs: number | null): number | null {
  return epochMs === null ? null : Math.floor(epochMs / 1000);
}

/** ActiveSupport's JSON time: ISO 8601 with milliseconds, UTC (`2024-05-15T10:00:00.123Z`). */
export function isoTime(epochMs: number): string;
export function isoTime(epochMs: number | null): string | null;
export function isoTime(epochMs: number | null): string | null {
  return epochMs === null ? null : new Date(epochMs).toISOString();
}
