/**
 * JavaScript's own `String(value)` of a value of any shape a client or a product sent (a JSON scalar, a hash or
 * array param, an upload), named so the rendering is visibly deliberate: an object becomes "[object Object]",
 * an array "a,b". Evolution's template literals and `String()` calls do exactly this upstream; the Chatwoot twin
 * keeps the same rendering where Ruby's `to_s` would differ for hashes and arrays (its answers always used it).
 */
export function jsString(value: unknown): string {
  return String(value);
}
