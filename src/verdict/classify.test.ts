import { describe, expect, it } from 'vitest';
import { aggregateCell, classifyScenario, exitCodeFor } from './classify.ts';

describe('classifyScenario', () => {
  it('compares each status with the expectation', () => {
    expect(classifyScenario('pass', false)).toBe('pass');
    expect(classifyScenario('pass', true)).toBe('unexpected-pass');
    expect(classifyScenario('break', true)).toBe('expected-break');
    expect(classifyScenario('break', false)).toBe('unexpected-break');
    expect(classifyScenario('error', true)).toBe('error');
    expect(classifyScenario('error', false)).toBe('error');
    expect(classifyScenario('skipped', true)).toBe('skipped');
  });
});

describe('aggregateCell', () => {
  it('marks a pair that works as pass although its fault scenarios broke as expected', () => {
    expect(
      aggregateCell([
        { kind: 'compatibility', status: 'pass', verdict: 'pass' },
        { kind: 'fault', status: 'break', verdict: 'expected-break' },
        { kind: 'compatibility', status: 'skipped', verdict: 'skipped' },
      ]),
    ).toEqual({ status: 'pass', verdict: 'pass' });
  });

  it('marks a pair with expected compatibility breaks as break / expected-break', () => {
    expect(
      aggregateCell([
        { kind: 'compatibility', status: 'pass', verdict: 'pass' },
        { kind: 'compatibility', status: 'break', verdict: 'expected-break' },
        { kind: 'fault', status: 'break', verdict: 'expected-break' },
      ]),
    ).toEqual({ status: 'break', verdict: 'expected-break' });
  });

  it('lets unexpected results outrank errors, and errors outrank expected breaks', () => {
    expect(
      aggregateCell([
        { kind: 'compatibility', status: 'error', verdict: 'error' },
        { kind: 'fault', status: 'pass', verdict: 'unexpected-pass' },
      ]),
    ).toEqual({ status: 'error', verdict: 'unexpected-pass' });
    expect(
      aggregateCell([
        { kind: 'compatibility', status: 'break', verdict: 'expected-break' },
        { kind: 'compatibility', status: 'error', verdict: 'error' },
      ]),
    ).toEqual({ status: 'break', verdict: 'error' });
    expect(
      aggregateCell([
        { kind: 'compatibility', status: 'pass', verdict: 'unexpected-pass' },
        { kind: 'compatibility', status: 'break', verdict: 'unexpected-break' },
      ]).verdict,
    ).toBe('unexpected-break');
  });

  it('is skipped when nothing ran', () => {
    expect(aggregateCell([])).toEqual({ status: 'skipped', verdict: 'skipped' });
    expect(aggregateCell([{ kind: 'fault', status: 'skipped', verdict: 'skipped' }])).toEqual({ status: 'skipped', verdict: 'skipped' });
  });
});

describe('exitCodeFor', () => {
  it('is 0 when everything is as expected', () => {
    expect(exitCodeFor(['pass', 'expected-break', 'skipped'])).toBe(0);
    expect(exitCodeFor([])).toBe(0);
  });
  it('is 1 on any unexpected result, even with errors', () => {
    expect(exitCodeFor(['pass', 'unexpected-pass'])).toBe(1);
    expect(exitCodeFor(['error', 'unexpected-break'])).toBe(1);
  });
  it('is 3 when errors kept scenarios from a verdict and nothing was unexpected', () => {
    expect(exitCodeFor(['pass', 'error', 'expected-break'])).toBe(3);
  });
});
