import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { exitCodeForSignal, FORCE_GRACE_MS, installStopSignals } from './signals.ts';

function setup() {
  const source = new EventEmitter();
  let clock = 1_000;
  const exits: number[] = [];
  let text = '';
  const stop = installStopSignals({
    action: 'stopping every service, then exiting',
    stderr: { write: (chunk: string) => (text += chunk) },
    reason: (signal) => new Error(`interrupted by ${signal}`),
    forceNote: 'npm run clean removes leftovers',
    source,
    now: () => clock,
    exit: (code) => exits.push(code),
  });
  return {
    source,
    stop,
    exits,
    text: () => text,
    advance(ms: number) {
      clock += ms;
    },
  };
}

describe('stop signals', () => {
  it('takes the first signal as a graceful stop and says how to force', () => {
    const t = setup();
    t.source.emit('SIGINT', 'SIGINT');
    expect(t.stop.signal.aborted).toBe(true);
    expect((t.stop.signal.reason as Error).message).toBe('interrupted by SIGINT');
    expect(t.stop.received).toBe('SIGINT');
    expect(t.text()).toContain('SIGINT: stopping every service, then exiting; press Ctrl-C again after 2 s to force');
    expect(t.exits).toEqual([]);
    t.stop.dispose();
  });

  it('ignores copies of the same Ctrl-C within the grace period (npm/tsx relay it 34-78 ms later)', () => {
    const t = setup();
    t.source.emit('SIGINT', 'SIGINT');
    t.advance(34);
    t.source.emit('SIGINT', 'SIGINT');
    t.advance(44);
    t.source.emit('SIGINT', 'SIGINT');
    t.advance(FORCE_GRACE_MS - 79);
    t.source.emit('SIGTERM', 'SIGTERM');
    expect(t.exits).toEqual([]);
    expect(t.text()).not.toContain('forcing');
    t.stop.dispose();
  });

  it("forces the exit on a signal after the grace period, with the first signal's code", () => {
    const t = setup();
    t.source.emit('SIGINT', 'SIGINT');
    t.advance(FORCE_GRACE_MS);
    t.source.emit('SIGINT', 'SIGINT');
    expect(t.exits).toEqual([130]);
    expect(t.text()).toContain('SIGINT again: forcing the exit without waiting for the cleanup (npm run clean removes leftovers)');

    const term = setup();
    term.source.emit('SIGTERM', 'SIGTERM');
    term.advance(FORCE_GRACE_MS + 1);
    term.source.emit('SIGTERM', 'SIGTERM');
    expect(term.exits).toEqual([3]);
    t.stop.dispose();
    term.stop.dispose();
  });

  it('listens to SIGINT, SIGTERM and SIGHUP until disposed', () => {
    const t = setup();
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((name) => t.source.listenerCount(name))).toEqual([1, 1, 1]);
    t.stop.dispose();
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((name) => t.source.listenerCount(name))).toEqual([0, 0, 0]);
  });

  it('maps signals to the documented exit codes', () => {
    expect(exitCodeForSignal('SIGINT')).toBe(130);
    expect(exitCodeForSignal('SIGTERM')).toBe(3);
    expect(exitCodeForSignal('SIGHUP')).toBe(3);
  });
});
