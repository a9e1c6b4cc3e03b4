import { describe, expect, it } from 'vitest';
import { byteLength, capLines, capText, cleanRecordedText, formatDuration, stripAnsi, truncateUtf8, truncationMarker } from './report-text.ts';

describe('truncateUtf8', () => {
  it('keeps text that fits and says nothing was cut', () => {
    expect(truncateUtf8('hello', 5)).toEqual({ text: 'hello', omittedBytes: 0 });
  });

  it('cuts at the byte cap and counts the bytes left out', () => {
    expect(truncateUtf8('abcdefghij', 4)).toEqual({ text: 'abcd', omittedBytes: 6 });
  });

  it('never splits a multi-byte character', () => {
    // "é" is 2 bytes, "€" 3, "😀" 4 (a surrogate pair in UTF-16).
    const text = 'aé€😀b';
    for (let cap = 0; cap <= byteLength(text); cap += 1) {
      const { text: kept, omittedBytes } = truncateUtf8(text, cap);
      expect(byteLength(kept)).toBeLessThanOrEqual(cap);
      expect(kept).not.toContain('\ufffd');
      expect(text.startsWith(kept)).toBe(true);
      expect(byteLength(kept) + omittedBytes).toBe(byteLength(text));
    }
  });
});

describe('capText', () => {
  it('appends the visible marker with the exact number of bytes cut', () => {
    const capped = capText('x'.repeat(1000), 100);
    expect(capped).toBe(`${'x'.repeat(100)}\n${truncationMarker(900)}`);
    expect(capped).toContain('… truncated (900 bytes more)');
  });

  it('leaves short text alone', () => {
    expect(capText('short', 100)).toBe('short');
  });
});

describe('capLines', () => {
  it('keeps whole lines under both caps and counts the rest', () => {
    const lines = ['one', 'two', 'three', 'four'];
    expect(capLines(lines, 2, 1000)).toEqual({ lines: ['one', 'two'], omittedLines: 2, omittedBytes: 'three\nfour\n'.length });
    expect(capLines(lines, 10, 8)).toEqual({ lines: ['one', 'two'], omittedLines: 2, omittedBytes: 11 });
  });

  it('shows the start of a single line that is larger than the byte cap', () => {
    const capped = capLines(['z'.repeat(50), 'next'], 10, 10);
    expect(capped.lines).toEqual([`${'z'.repeat(10)} ${truncationMarker(40)}`]);
    expect(capped.omittedLines).toBe(1);
  });
});

describe('cleanRecordedText', () => {
  it('removes ANSI colour and OSC sequences', () => {
    expect(stripAnsi('\u001b[31mERROR\u001b[0m [ChatwootService] \u001b]0;title\u0007done')).toBe('ERROR [ChatwootService] done');
  });

  it('replaces characters XML 1.0 cannot carry and keeps tabs, newlines and emoji', () => {
    expect(cleanRecordedText('a\u0000b\u0007c\td\ne\ufffff😀\ud800')).toBe('a\ufffdb\ufffdc\td\ne\ufffdf😀\ufffd');
  });
});

describe('formatDuration', () => {
  it('picks a readable unit', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(119_700)).toBe('2 min 00 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
  });
});
