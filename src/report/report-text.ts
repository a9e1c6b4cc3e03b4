/**
 * Text helpers every renderer shares: byte caps with a visible marker (nothing is dropped silently) and
 * cleaning of recorded text (container logs carry ANSI colours; XML 1.0 forbids most control characters).
 */

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The marker every renderer shows where it cut text: "… truncated (N bytes more)". */
export function truncationMarker(omittedBytes: number): string {
  return `… truncated (${omittedBytes} bytes more)`;
}

export interface Truncated {
  text: string;
  /** UTF-8 bytes cut off; 0 when the text fitted. */
  omittedBytes: number;
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes, at a character boundary. */
export function truncateUtf8(text: string, maxBytes: number): Truncated {
  const limit = Math.max(0, maxBytes);
  // Every UTF-16 unit is at most 3 UTF-8 bytes: short texts need no counting.
  if (text.length * 3 <= limit) return { text, omittedBytes: 0 };
  const total = byteLength(text);
  if (total <= limit) return { text, omittedBytes: 0 };
  // A character is at least one byte, so the first `limit` characters hold the cut.
  const bytes = utf8.encode(text.slice(0, limit + 1));
  let cut = Math.min(limit, bytes.byteLength);
  // Step back over UTF-8 continuation bytes (10xxxxxx) so no character is split.
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut -= 1;
  return { text: utf8Decoder.decode(bytes.subarray(0, cut)), omittedBytes: total - cut };
}

/** `text` capped at `maxBytes`, followed by the truncation marker on its own line when cut. */
export function capText(text: string, maxBytes: number): string {
  const { text: kept, omittedBytes } = truncateUtf8(text, maxBytes);
  if (omittedBytes === 0) return kept;
  return `${kept}${kept.endsWith('\n') || kept === '' ? '' : '\n'}${truncationMarker(omittedBytes)}`;
}

export interface CappedLines {
  lines: string[];
  omittedLines: number;
  omittedBytes: number;
}

/** Keeps whole lines from the start while both caps hold; reports what was left out. */
export function capLines(lines: readonly string[], maxLines: number, maxBytes: number): CappedLines {
  const kept: string[] = [];
  let used = 0;
  let index = 0;
  for (; index < lines.length && kept.length < maxLines; index += 1) {
    const line = lines[index] ?? '';
    const size = byteLength(line) + 1;
    if (used + size > maxBytes) {
      // A single huge line still shows its beginning rather than nothing.
      if (kept.length === 0) {
        const cut = truncateUtf8(line, maxBytes);
        kept.push(`${cut.text} ${truncationMarker(cut.omittedBytes)}`);
        used = maxBytes;
        index += 1;
      }
      break;
    }
    kept.push(line);
    used += size;
  }
  const rest = lines.slice(index);
  return {
    lines: kept,
    omittedLines: rest.length,
    omittedBytes: rest.reduce((sum, line) => sum + byteLength(line) + 1, 0),
  };
}

// CSI sequences (colours, cursor moves) and OSC sequences (titles, links) as terminals emit them.
// eslint-disable-next-line no-control-regex -- matching the ESC and BEL of terminal sequences is the point
const ANSI_SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_SEQUENCE, '');
}

// Characters XML 1.0 does not allow even as references: C0 controls except TAB/LF/CR, lone surrogates,
// U+FFFE and U+FFFF.
// eslint-disable-next-line no-control-regex -- finding the control characters XML refuses is the point
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Recorded text made safe for any report: ANSI removed, characters XML cannot carry replaced by U+FFFD. */
export function cleanRecordedText(text: string): string {
  return stripAnsi(text).replace(XML_INVALID, '\ufffd');
}

/** Milliseconds as a short human duration: "850 ms", "12.3 s", "4 min 05 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}
