import { describe, expect, it } from 'vitest';
import { enterSetup, whenNoSetupRunning } from './latency-gate.ts';

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('latency gate', () => {
  it('opens at once when no setup through the service runs', async () => {
    expect(await whenNoSetupRunning('gate-idle', 1_000)).toBe(0);
  });

  it('waits until every running setup through the same service has ended, and only for that service', async () => {
    const leaveA = enterSetup('gate-shared');
    const leaveB = enterSetup('gate-shared');
    const leaveOther = enterSetup('gate-other');
    const open = whenNoSetupRunning('gate-shared', 10_000);
    expect(await settled(open)).toBe(false);
    leaveA();
    leaveA(); // leaving twice counts once
    expect(await settled(open)).toBe(false);
    leaveB();
    expect(await settled(open)).toBe(true);
    expect(await open).toBeGreaterThanOrEqual(0);
    leaveOther();
  });

  it('gives up after its timeout when a setup never ends', async () => {
    enterSetup('gate-stuck');
    const started = performance.now();
    const waited = await whenNoSetupRunning('gate-stuck', 50);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(waited).toBeGreaterThanOrEqual(45);
  });
});
