/**
 * Reading Chatwoot's answers and webhook payloads the way Evolution's JavaScript does: `get` is a
 * plain property access (a TypeError on null/undefined, as upstream would throw), `opt` is `?.`.
 * Upstream crashes on malformed answers inside a try/catch that logs them; the twin keeps that.
 */
export function get(value: unknown, key: string): unknown {
  if (value === null || value === undefined) {
    throw new TypeError(`Cannot read properties of ${String(value)} (reading '${key}')`);
  }
  return (value as Record<string, unknown>)[key];
}

export function opt(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** `value.payload` as an array, TypeError-ing like `undefined.find(...)` would. */
export function listOf(value: unknown, key: string): unknown[] {
  const list = get(value, key);
  if (!Array.isArray(list)) throw new TypeError(`Cannot read properties of ${String(list)} (reading 'find')`);
  return list;
}

export function optString(value: unknown, ...path: string[]): string | undefined {
  const found = opt(value, ...path);
  return typeof found === 'string' ? found : undefined;
}

/** JavaScript truthiness, for the upstream `a || b` chains. */
export function truthy(value: unknown): boolean {
  return Boolean(value);
}
