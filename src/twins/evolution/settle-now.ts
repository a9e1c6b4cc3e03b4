/**
 * Runs `body` now and hands its outcome over as a promise, as an `async` method with nothing to await does: a throw
 * reaches the caller as a rejection, one tick later, not synchronously. For upstream methods that are async only in
 * signature, whose callers' timing the twin keeps.
 */
export function settleNow<T>(body: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(body()));
}
