/** Escaping for the self-contained HTML report: every piece of recorded text passes through here. */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for element content and for quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/**
 * JSON for a `<script type="application/json">` element: `<`, `>` and `&` become \u escapes (valid
 * inside JSON strings, and they cannot occur outside strings), so neither `</script>` nor `<!--` in
 * the data can end the element early; U+2028/U+2029 are escaped for older parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** An href that can only be relative or http(s): anything else (javascript:, data:) is not linked. */
export function safeHref(target: string): string | undefined {
  const trimmed = target.trim();
  if (/^https?:\/\//i.test(trimmed)) return trimmed;
  // Relative paths: no scheme before the first slash.
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return undefined;
  return trimmed;
}
