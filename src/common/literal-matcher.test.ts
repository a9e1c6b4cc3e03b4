import { describe, expect, it } from 'vitest';
import { LiteralMatcher } from './literal-matcher.ts';

describe('literal matcher', () => {
  it('replaces every occurrence, at the start, the end and back to back', () => {
    const matcher = new LiteralMatcher();
    matcher.add('abcd');
    expect(matcher.replace('abcdabcd x abcd', '#')).toBe('## x #');
  });

  it('prefers the longest secret at a position (same first characters)', () => {
    const matcher = new LiteralMatcher();
    matcher.add('tok-1');
    matcher.add('tok-1-longer');
    expect(matcher.replace('tok-1-longer tok-1', '#')).toBe('# #');
  });

  it('ignores secrets shorter than four characters and duplicates', () => {
    const matcher = new LiteralMatcher();
    expect(matcher.add('abc')).toBe(false);
    expect(matcher.add('abcd')).toBe(true);
    expect(matcher.add('abcd')).toBe(false);
    expect(matcher.size).toBe(1);
  });

  it('replaces only secrets added since a given size, with few or many new ones', () => {
    const matcher = new LiteralMatcher();
    matcher.add('old-secret');
    const since = matcher.size;
    matcher.add('new-secret');
    expect(matcher.replace('old-secret new-secret', '#', since)).toBe('old-secret #');
    for (let i = 0; i < 40; i += 1) matcher.add(`many-${i}-secret`);
    expect(matcher.replace('old-secret new-secret many-39-secret', '#', since)).toBe('old-secret # #');
  });

  it('handles non-ASCII text and secrets', () => {
    const matcher = new LiteralMatcher();
    matcher.add('sënhà-ü€');
    expect(matcher.replace('→ sënhà-ü€ ←', '#')).toBe('→ # ←');
  });

  it('lists the literals occurring in a text, overlapping and nested ones included', () => {
    const matcher = new LiteralMatcher();
    for (const marker of ['/accounts/7/', 'c370e174local-', 'c370e174local-slash', 'local-slash-x']) matcher.add(marker);
    expect(matcher.occurring('POST /accounts/7/inboxes c370e174local-slash-x').sort()).toEqual([
      '/accounts/7/',
      'c370e174local-',
      'c370e174local-slash',
      'local-slash-x',
    ]);
    expect(matcher.occurring('nothing here')).toEqual([]);
  });

  it('matches as a position-by-position search would, on random texts with shared prefixes (window shorter and longer)', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const alphabet = 'evoabc-_"\\%2Fé€';
    const word = (length: number) => Array.from({ length }, () => alphabet[random(alphabet.length)]).join('');
    for (let round = 0; round < 60; round += 1) {
      const literals = Array.from({ length: 1 + random(30) }, () => (random(2) === 0 ? 'evo' : '') + word(2 + random(round % 2 === 0 ? 8 : 30)));
      const matcher = new LiteralMatcher();
      for (const literal of literals) matcher.add(literal);
      const kept = literals.filter((literal) => literal.length >= 4);
      const pieces = Array.from({ length: 40 }, () => (random(3) === 0 ? (kept[random(Math.max(1, kept.length))] ?? '') : word(random(12))));
      const text = pieces.join('');
      expect(matcher.replace(text, '#')).toBe(referenceReplace(text, kept, '#'));
      expect(matcher.occurring(text).sort()).toEqual([...new Set(kept.filter((literal) => text.includes(literal)))].sort());
    }
  });
});

/** The plain definition: left to right, the longest literal starting at a position, no overlap with the previous match. */
function referenceReplace(text: string, literals: readonly string[], replacement: string): string {
  let output = '';
  let at = 0;
  while (at < text.length) {
    const longest = literals.filter((literal) => text.startsWith(literal, at)).sort((a, b) => b.length - a.length)[0];
    if (longest) {
      output += replacement;
      at += longest.length;
    } else {
      output += text[at];
      at += 1;
    }
  }
  return output;
}
