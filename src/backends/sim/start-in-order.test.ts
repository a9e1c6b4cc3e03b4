import { describe, expect, it } from 'vitest';
import { startInDependencyOrder } from './start-in-order.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('startInDependencyOrder', () => {
  it('starts dependents only after their dependencies and respects the cap', async () => {
    const log: string[] = [];
    let active = 0;
    let maxActive = 0;
    await startInDependencyOrder(
      [
        { id: 'chatwoot', dependsOn: ['s3'] },
        { id: 's3', dependsOn: [] },
        { id: 'evo-a', dependsOn: [] },
        { id: 'evo-b', dependsOn: [] },
      ],
      2,
      async (item) => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        log.push(`start ${item.id}`);
        await new Promise((resolve) => setImmediate(resolve));
        log.push(`end ${item.id}`);
        active -= 1;
      },
    );
    expect(maxActive).toBe(2);
    expect(log.indexOf('start chatwoot')).toBeGreaterThan(log.indexOf('end s3'));
    expect(log.filter((line) => line.startsWith('end'))).toHaveLength(4);
  });

  it('stops starting after a failure, waits for what runs, and rethrows', async () => {
    const started: string[] = [];
    const slow = deferred();
    const run = startInDependencyOrder(
      [
        { id: 'bad', dependsOn: [] },
        { id: 'slow', dependsOn: [] },
        { id: 'after-bad', dependsOn: ['bad'] },
      ],
      2,
      async (item) => {
        started.push(item.id);
        if (item.id === 'bad') throw new Error('boom');
        await slow.promise;
      },
    );
    setImmediate(slow.resolve);
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual(['bad', 'slow']);
  });

  it('reports unknown dependencies and cycles', async () => {
    await expect(startInDependencyOrder([{ id: 'a', dependsOn: ['x'] }], 1, async () => {})).rejects.toThrow(/does not contain/);
    await expect(
      startInDependencyOrder(
        [
          { id: 'a', dependsOn: ['b'] },
          { id: 'b', dependsOn: ['a'] },
        ],
        1,
        async () => {},
      ),
    ).rejects.toThrow(/cycle/);
  });
});
