/** An operation that close() can cut short: it gets its own signal, aborted when the twin closes. */
export type Abortable = <T>(operation: (signal: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * Everything a twin does outside a request/response pair (the un-awaited Chatwoot bootstrap,
 * QR deliveries, the webhook route's 500 ms pause) runs through here, so close() can abort the
 * in-flight HTTP calls and sleeps and wait until nothing is left running.
 *
 * Each HTTP call gets its own AbortController and each sleep its own timer, kept in sets that
 * close() walks: no listener is ever added to one shared AbortSignal, so dozens of concurrent
 * webhooks (each paused 500 ms) do not pile listeners up on it (MaxListenersExceededWarning).
 */
export class BackgroundWork {
  private readonly pending = new Set<Promise<unknown>>();
  private readonly calls = new Set<AbortController>();
  private readonly sleeps = new Set<(reason: DOMException) => void>();
  private closeReason: DOMException | undefined;

  get closed(): boolean {
    return this.closeReason !== undefined;
  }

  /** Awaited work that close() must also wait for (request handlers). */
  track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    const forget = () => this.pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** Fire-and-forget: nothing to await; a failure goes to onError unless the twin is closing. close() waits for it. */
  run(task: () => Promise<unknown>, onError: (error: unknown, origin: Promise<unknown>) => void): void {
    const promise = Promise.resolve().then(task);
    const settled = promise.catch((error: unknown) => {
      if (!this.closed) onError(error, promise);
    });
    void this.track(settled); // `settled` never rejects
  }

  /** Runs `operation` with a signal of its own that close() aborts (an HTTP call, its body read included). */
  readonly abortable: Abortable = async (operation) => {
    const controller = new AbortController();
    if (this.closeReason) controller.abort(this.closeReason);
    this.calls.add(controller);
    try {
      return await operation(controller.signal);
    } finally {
      this.calls.delete(controller);
    }
  };

  private closedSignal: { promise: Promise<never>; reject: (reason: DOMException) => void } | undefined;

  /** Rejects with the AbortError when the twin closes: for waits with no end of their own (a queue that never drains). */
  untilClosed(): Promise<never> {
    if (this.closeReason) return Promise.reject(this.closeReason);
    if (!this.closedSignal) {
      let reject: (reason: DOMException) => void = () => undefined;
      const promise = new Promise<never>((_, rejectPromise) => {
        reject = rejectPromise;
      });
      // Nobody may be listening when it fires.
      promise.catch(() => undefined);
      this.closedSignal = { promise, reject };
    }
    return this.closedSignal.promise;
  }

  /** A sleep that ends early, with an AbortError, when the twin closes. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closeReason) {
        reject(this.closeReason);
        return;
      }
      const cancel = (reason: DOMException) => {
        clearTimeout(timer);
        reject(reason);
      };
      const timer = setTimeout(() => {
        this.sleeps.delete(cancel);
        resolve();
      }, ms);
      this.sleeps.add(cancel);
    });
  }

  async close(): Promise<void> {
    if (!this.closeReason) {
      this.closeReason = new DOMException('the twin is closing', 'AbortError');
      for (const cancel of this.sleeps) cancel(this.closeReason);
      this.sleeps.clear();
      for (const controller of this.calls) controller.abort(this.closeReason);
      this.closedSignal?.reject(this.closeReason);
    }
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
