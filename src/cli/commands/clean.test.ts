import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors/index.ts';
import { parseOlderThan } from './clean.ts';

describe('clean --older-than', () => {
  it('takes minutes, absent means every age', () => {
    expect(parseOlderThan(undefined)).toBeUndefined();
    expect(parseOlderThan('90')).toBe(90);
    expect(parseOlderThan(0)).toBe(0);
    expect(parseOlderThan('1.5')).toBe(1.5);
  });

  it('refuses what is not a number of minutes', () => {
    expect(() => parseOlderThan('soon')).toThrow(UsageError);
    expect(() => parseOlderThan('-5')).toThrow(/0 or more/);
  });
});
