import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { currentOwner, ownerOf, ownerState, processStartToken, startTag } from './process-identity.ts';

function holdProcess() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited };
}

describe('process identity', () => {
  it('this process is a live owner, with a start token that stays the same', () => {
    const me = currentOwner();
    expect(me).toMatchObject({ host: hostname(), pid: process.pid });
    expect(processStartToken(process.pid)).toBe(me.start);
    expect(ownerState(me).state).toBe('live');
  });

  it('a real child is live while it runs and gone once killed', async () => {
    const { child, exited } = holdProcess();
    const owner = ownerOf(child.pid!);
    expect(owner.start).toEqual(expect.any(String));
    expect(owner.start).not.toBe(currentOwner().start);
    expect(ownerState(owner)).toMatchObject({ state: 'live' });
    expect(ownerState({ pid: owner.pid, startTag: startTag(owner.start) })).toMatchObject({ state: 'live' });
    child.kill('SIGKILL');
    await exited;
    expect(ownerState(owner)).toMatchObject({ state: 'gone', reason: `owner pid ${owner.pid} is gone` });
  });

  it('a live pid with another start time is another process: the owner is gone (pid reuse)', async () => {
    const { child, exited } = holdProcess();
    try {
      // What a reused pid looks like: the pid runs, but its process started at another time than the recorded owner.
      const earlier = { host: hostname(), pid: child.pid!, start: `${currentOwner().start}-earlier` };
      expect(ownerState(earlier)).toMatchObject({ state: 'gone', reason: expect.stringContaining('another process') });
      expect(ownerState({ pid: child.pid!, startTag: startTag(earlier.start) })).toMatchObject({ state: 'gone' });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('without a pid, or on another host, the owner is unknown', () => {
    expect(ownerState({}).state).toBe('unknown');
    expect(ownerState({ host: `${hostname()}-elsewhere`, pid: process.pid, start: currentOwner().start })).toMatchObject({
      state: 'unknown',
      reason: expect.stringContaining('another host'),
    });
  });
});
