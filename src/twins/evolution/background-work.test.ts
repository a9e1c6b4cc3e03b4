import { afterEach, describe, expect, it } from 'vitest';
import { BackgroundWork } from './background-work.ts';

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
afterEach(() => {
  process.off('warning', onWarning);
  warnings.length = 0;
});

describe('BackgroundWork', () => {
  it('close() ends every pending sleep and abortable call, however many run at once, without piling listeners on one signal', async () => {
    process.on('warning', onWarning);
    const work = new BackgroundWork();
    const signals: AbortSignal[] = [];
    const sleeps = Array.from({ length: 25 }, () => work.sleep(60_000));
    const calls = Array.from({ length: 25 }, () =>
      work.abortable(
        (signal) =>
          new Promise<string>((_, reject) => {
            signals.push(signal);
            signal.addEventListener('abort', () => reject(signal.reason as DOMException), { once: true });
          }),
      ),
    );
    const settled = Promise.allSettled([...sleeps, ...calls]);
    await work.close();
    const results = await settled;
    expect(results.every((result) => result.status === 'rejected' && (result.reason as DOMException).name === 'AbortError')).toBe(true);
    expect(new Set(signals).size).toBe(25);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('after close(), a new sleep or call is aborted at once; a finished sleep resolves', async () => {
    const work = new BackgroundWork();
    await work.sleep(1);
    await work.close();
    await expect(work.sleep(60_000)).rejects.toMatchObject({ name: 'AbortError' });
    await expect(work.abortable((signal) => Promise.resolve(signal.aborted))).resolves.toBe(true);
  });
});
