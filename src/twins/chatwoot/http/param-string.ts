/**
 * JavaScript's `String(value)` of a request value of any shape (a JSON scalar, a hash or array param, an upload)
 * where the twin turns it into text to parse or to quote back: a page number, a filter operator, a value in a
 * Postgres error. Ruby's `to_s` would render a hash or an array differently; the twin's answers have always used
 * JavaScript's rendering ("[object Object]", "a,b"), and this names it rather than changing them.
 */
export function paramString(value: unknown): string {
  return String(value);
}
