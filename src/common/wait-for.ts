import { ErrorCodes, HarnessError, ExitCodes } from '../errors/index.ts';

export class DeadlineError extends HarnessError {
  constructor(description: string, timeoutMs: number, lastError?: unknown) {
    super(ErrorCodes.scenarioDeadline, ExitCodes.unexpected, `deadline of ${timeoutMs} ms passed waiting for ${description}`, {
      details: { description, timeoutMs, lastError: lastError instanceof Error ? lastError.message : lastError },
      cause: lastError,
    });
  }
}

export interface WaitForOptions {
  timeoutMs: number;
  /** Poll interval; the wait itself is bounded by the deadline, never by a fixed sleep. */
  intervalMs?: number;
  description: string;
  now?: () => number;
  /** Runs after each miss, before the deadline check: a throw ends the wait with that error (a fail-fast check). */
  afterMiss?: () => Promise<void> | void;
}

/**
 * Polls `probe` until it returns a value other than undefined/false, or the deadline passes.
 * Errors thrown by the probe count as "not yet" and the last one is kept for the deadline error.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, options: WaitForOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const interval = options.intervalMs ?? 50;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      lastError = error;
    }
    await options.afterMiss?.();
    if (now() >= deadline) throw new DeadlineError(options.description, options.timeoutMs, lastError);
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, Math.max(1, deadline - now()))));
  }
}
