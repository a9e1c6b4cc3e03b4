import { configure } from 'safe-stable-stringify';

/** How much of an offending value an error message echoes. */
export const MAX_VALUE_CHARS = 200;

// Depth and breadth limits keep the work bounded for a 200 000-level array; cycles print as [Circular].
const boundedStringify = configure({ circularValue: '[Circular]', maximumDepth: 4, maximumBreadth: 12, deterministic: false });

/** `text` cut to `max` characters, saying how many were left out. */
export function cutText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more chars)`;
}

/**
 * A value as JSON for an error message, at most about `max` characters. Never throws: not for cycles,
 * deep nesting, 50 MB strings (cut before they are copied), BigInts or getters that throw.
 */
export function displayValue(value: unknown, max: number = MAX_VALUE_CHARS): string {
  try {
    if (typeof value === 'string') {
      return value.length <= max ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, max))}… (${value.length - max} more chars)`;
    }
    const text = boundedStringify(value, (_key, inner) => (typeof inner === 'string' && inner.length > max ? `${inner.slice(0, max)}…` : inner));
    return cutText(text ?? String(value), max);
  } catch {
    return '[unprintable value]';
  }
}

/** Control characters (an ESC from a pasted value, a NUL from a binary file) shown escaped, so one message stays one readable line. */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
