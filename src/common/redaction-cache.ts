import type { Redactor } from './redact.ts';

/**
 * Redacted copies of immutable items (recorded exchanges, log lines), made once and kept current: a secret
 * registered later is applied to the cached copy alone, by value (`redactor.since`), not by a full pass.
 */
export function createRedactionCache<K extends object, T>(
  redactor: Redactor,
  full: (item: K) => T,
  since: (redacted: T, version: number) => T,
): (item: K) => T {
  const cache = new WeakMap<K, { version: number; value: T }>();
  return (item) => {
    let entry = cache.get(item);
    if (!entry) {
      // The version before redacting: whatever the redaction itself registers is applied on the next read.
      const version = redactor.version;
      entry = { version, value: full(item) };
      cache.set(item, entry);
    }
    if (entry.version !== redactor.version) {
      const version = redactor.version;
      entry.value = since(entry.value, entry.version);
      entry.version = version;
    }
    return entry.value;
  };
}
