/**
 * JavaScript's own `String(value)`, as upstream's template literals and `String()` calls apply it to whatever
 * Chatwoot or a client sent: an object becomes "[object Object]" there, so it does here.
 */
export function jsString(value: unknown): string {
  return String(value);
}
