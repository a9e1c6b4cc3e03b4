import { describe, expect, it } from 'vitest';
import { linearFit } from './linear-fit.ts';

describe('linearFit', () => {
  it('recovers the fixed cost and the cost per cell of points on a line', () => {
    const fit = linearFit([
      [4, 3 + 4 * 0.5],
      [8, 3 + 8 * 0.5],
      [12, 3 + 12 * 0.5],
    ]);
    expect(fit.slope).toBeCloseTo(0.5, 10);
    expect(fit.intercept).toBeCloseTo(3, 10);
  });

  it('fits noisy points by least squares', () => {
    const fit = linearFit([
      [0, 1],
      [1, 3],
      [2, 2],
      [3, 4],
    ]);
    expect(fit.slope).toBeCloseTo(0.8, 10);
    expect(fit.intercept).toBeCloseTo(1.3, 10);
  });

  it('refuses what has no line', () => {
    expect(() => linearFit([[1, 1]])).toThrow(/two points/);
    expect(() =>
      linearFit([
        [2, 1],
        [2, 5],
      ]),
    ).toThrow(/different x/);
  });
});
