import { describe, expect, it } from 'vitest';
import { holdForTest, requestedHoldPoints, TEST_HOLD_ENV } from './test-hold.ts';

/** Whether a promise is still pending once everything already queued has run (no timer involved). */
async function isPending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  return (await Promise.race([promise, new Promise((resolve) => setImmediate(() => resolve(marker)))])) === marker;
}

describe('test-only hold', () => {
  it('reads one or several points and rejects a value that names none', () => {
    expect(requestedHoldPoints({})).toEqual([]);
    expect(requestedHoldPoints({ [TEST_HOLD_ENV]: 'scenario,stop' })).toEqual(['scenario', 'stop']);
    expect(() => requestedHoldPoints({ [TEST_HOLD_ENV]: 'scenarios' })).toThrow(/"scenarios" is not a hold point \(allowed: service-started, scenario, stop\)/);
  });

  it('returns at once unless the point is asked for', async () => {
    expect(await isPending(holdForTest('scenario', { env: {} }))).toBe(false);
    expect(await isPending(holdForTest('scenario', { env: { [TEST_HOLD_ENV]: 'stop' } }))).toBe(false);
  });

  it('holds at an asked-for point until its signal aborts', async () => {
    const controller = new AbortController();
    const held = holdForTest('service-started', { env: { [TEST_HOLD_ENV]: 'service-started' }, signal: controller.signal });
    expect(await isPending(held)).toBe(true);
    controller.abort();
    await held;
  });
});
