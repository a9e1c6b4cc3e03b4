import { describe, expect, it } from 'vitest';
import { decideLeftover, UNKNOWN_OWNER_MAX_AGE_MS } from './leftover-decision.ts';

const live = { state: 'live', reason: 'owner pid 1 is running' } as const;
const gone = { state: 'gone', reason: 'owner pid 2 is gone' } as const;
const unknown = { state: 'unknown', reason: 'no owner recorded (older format)' } as const;
const HOUR = 3600_000;

describe('what clean removes', () => {
  it("a gone owner's leftovers go; a live owner's stay, and say why", () => {
    expect(decideLeftover(gone, 1000, { force: false })).toEqual({ remove: true, reason: 'owner pid 2 is gone' });
    expect(decideLeftover(live, 100 * HOUR, { force: false })).toMatchObject({ remove: false, reason: expect.stringContaining('a live run') });
  });

  it("an unknown owner's stay until a day old (or --older-than), then go", () => {
    expect(decideLeftover(unknown, 2 * HOUR, { force: false })).toMatchObject({ remove: false, reason: expect.stringContaining('kept until 24 h old') });
    expect(decideLeftover(unknown, undefined, { force: false }).remove).toBe(false);
    expect(decideLeftover(unknown, UNKNOWN_OWNER_MAX_AGE_MS + 1, { force: false })).toMatchObject({
      remove: true,
      reason: expect.stringContaining('over 24 h'),
    });
    expect(decideLeftover(unknown, 2 * HOUR, { force: false, olderThanMs: HOUR }).remove).toBe(true);
  });

  it('--force ignores the owner; --older-than still limits it', () => {
    expect(decideLeftover(live, 1000, { force: true })).toMatchObject({ remove: true, reason: '--force (owner pid 1 is running)' });
    expect(decideLeftover(unknown, 1000, { force: true }).remove).toBe(true);
    expect(decideLeftover(gone, 1000, { force: true, olderThanMs: HOUR })).toMatchObject({ remove: false, reason: expect.stringContaining('--older-than') });
  });
});
