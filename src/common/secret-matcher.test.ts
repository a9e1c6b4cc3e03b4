import { describe, expect, it } from 'vitest';
import { SecretMatcher } from './secret-matcher.ts';

describe('secret matcher', () => {
  it('replaces every occurrence, at the start, the end and back to back', () => {
    const matcher = new SecretMatcher();
    matcher.add('abcd');
    expect(matcher.replace('abcdabcd x abcd', '#')).toBe('## x #');
  });

  it('prefers the longest secret at a position (same first characters)', () => {
    const matcher = new SecretMatcher();
    matcher.add('tok-1');
    matcher.add('tok-1-longer');
    expect(matcher.replace('tok-1-longer tok-1', '#')).toBe('# #');
  });

  it('ignores secrets shorter than four characters and duplicates', () => {
    const matcher = new SecretMatcher();
    expect(matcher.add('abc')).toBe(false);
    expect(matcher.add('abcd')).toBe(true);
    expect(matcher.add('abcd')).toBe(false);
    expect(matcher.size).toBe(1);
  });

  it('replaces only secrets added since a given size, with few or many new ones', () => {
    const matcher = new SecretMatcher();
    matcher.add('old-secret');
    const since = matcher.size;
    matcher.add('new-secret');
    expect(matcher.replace('old-secret new-secret', '#', since)).toBe('old-secret #');
    for (let i = 0; i < 40; i += 1) matcher.add(`many-${i}-secret`);
    expect(matcher.replace('old-secret new-secret many-39-secret', '#', since)).toBe('old-secret # #');
  });

  it('handles non-ASCII text and secrets', () => {
    const matcher = new SecretMatcher();
    matcher.add('sënhà-ü€');
    expect(matcher.replace('→ sënhà-ü€ ←', '#')).toBe('→ # ←');
  });
});
