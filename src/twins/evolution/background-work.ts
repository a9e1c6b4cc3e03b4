/**
 * Everything a twin does outside a request/response pair (the un-awaited Chatwoot bootstrap,
 * QR deliveries, the webhook route's 500 ms pause) runs through here, so close() can abort the
 * in-flight HTTP calls and sleeps and wait until nothing is left running.
 */
export class BackgroundWork {
  private readonly controller = new AbortController();
  private readonly pending = new Set<Promise<unknown>>();

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get closed(): boolean {
    return this.controller.signal.aborted;
  }

  /** Awaited work that close() must also wait for (request handlers). */
  track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    const forget = () => this.pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** Fire-and-forget: never rejects; a failure goes to onError unless the twin is closing. */
  run(task: () => Promise<unknown>, onError: (error: unknown, origin: Promise<unknown>) => void): Promise<unknown> {
    const promise = Promise.resolve().then(task);
    const settled = promise.catch((error: unknown) => {
      if (!this.closed) onError(error, promise);
    });
    this.track(settled);
    return settled;
  }

  /** A sleep that ends early, with an AbortError, when the twin closes. */
  sleep(ms: number): Promise<void> {
    const signal = this.controller.signal;
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async close(): Promise<void> {
    if (!this.closed) this.controller.abort(new DOMException('the twin is closing', 'AbortError'));
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
