import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** This package's version (package.json), for the `tool` field of results. */
export function toolVersion(): string {
  if (cached === undefined) {
    try {
      const json = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
      cached = typeof json.version === 'string' ? json.version : '0.0.0';
    } catch {
      cached = '0.0.0';
    }
  }
  return cached;
}
