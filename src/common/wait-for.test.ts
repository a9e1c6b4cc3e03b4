import { describe, expect, it } from 'vitest';
import { DeadlineError, waitFor } from './wait-for.ts';

describe('waitFor', () => {
  it('returns the first truthy probe value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? 'ready' : undefined), { timeoutMs: 1000, intervalMs: 1, description: 'x' });
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });
  it('throws a DeadlineError with the last probe error', async () => {
    const error = await waitFor(
      () => {
        throw new Error('not yet');
      },
      { timeoutMs: 30, intervalMs: 5, description: 'a thing' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as DeadlineError).message).toContain('a thing');
    expect((error as DeadlineError).details.lastError).toBe('not yet');
  });
});
