import { Agent, request } from 'undici';
import { STATUS_PHRASES } from '../http/http-problem.ts';
import { privateTargetRefusal, resolveAddresses, type ResolveAddresses } from './public-address.ts';

/** RestClient's `timeout: 5` (open and read), no retries (chatwoot-3.7-3.9.md §4). */
export const WEBHOOK_TIMEOUT_MS = 5_000;

export type DeliveryResult = { ok: true; status: number } | { ok: false; error: string };

/** How one delivery deviates from the 3.x RestClient POST (chatwoot-3.10-4.x.md §4.2). */
export interface DeliveryOptions {
  /** Extra headers, computed from the exact body sent (delivery id, timestamp and signature). */
  headers?: (body: string) => Record<string, string>;
  /** 4.14.0+ SafeFetch: refuse, before any request, a target whose host resolves to no public address. */
  refusePrivateTargets?: boolean;
}

const REST_CLIENT_PHRASES: Record<number, string> = {
  ...STATUS_PHRASES,
  408: 'Request Timeout',
  409: 'Conflict',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The message RestClient/Net::HTTP would raise, so `external_error` and the log read like upstream's
 * ("404 Not Found", "Timed out reading data from server", "Failed to open TCP connection to …").
 */
export function restClientMessage(error: unknown, url: URL): string {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const tcp = (detail: string) => `Failed to open TCP connection to ${host}:${port} (${detail})`;
  switch (errorCode(error)) {
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'Timed out reading data from server';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'Timed out connecting to server';
    case 'ECONNREFUSED':
      return tcp(`Connection refused - connect(2) for "${host}" port ${port}`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return tcp('getaddrinfo: Name or service not known');
    case 'EHOSTUNREACH':
      return tcp(`No route to host - connect(2) for "${host}" port ${port}`);
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'Connection reset by peer';
    case undefined:
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** Sidekiq's default thread count (`SIDEKIQ_CONCURRENCY`, chatwoot-3.7-3.9.md §5). */
export const DEFAULT_SIDEKIQ_CONCURRENCY = 10;

export interface WebhookDelivererOptions {
  timeoutMs?: number;
  /** Deliveries in flight at once (the Sidekiq worker's threads); default DEFAULT_SIDEKIQ_CONCURRENCY. */
  concurrency?: number;
  /** How hosts resolve for the private-target check (tests); the system resolver by default. */
  resolve?: ResolveAddresses;
}

/**
 * POSTs JSON payloads with upstream's headers and timeout. Upstream delivers from Sidekiq jobs
 * (EventDispatcherJob on `critical`, then WebhookJob on `medium`, chatwoot-3.7-3.9.md §4) run by
 * `SIDEKIQ_CONCURRENCY` threads (§5): deliveries run concurrently, to one URL as to many, with no
 * ordering guarantee; jobs beyond the thread count wait in enqueue order.
 * close() aborts what is in flight and waits for every delivery to settle.
 */
export class WebhookDeliverer {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly resolve: ResolveAddresses;
  private readonly waiting: (() => void)[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private running = 0;
  private closed = false;

  constructor(options: WebhookDelivererOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_SIDEKIQ_CONCURRENCY));
    this.resolve = options.resolve ?? resolveAddresses;
    // One socket per concurrent delivery to a host, like each Sidekiq thread's own Net::HTTP connection.
    this.agent = new Agent({
      connect: { timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      keepAliveTimeout: 1_000,
      connections: this.concurrency,
    });
  }

  /**
   * Queues one delivery. `payload` is rendered when the delivery starts (upstream's job renders
   * the DB state when it runs); `onResult` runs when that delivery finishes.
   */
  enqueue(url: string, payload: () => unknown, onResult: (result: DeliveryResult) => void, options: DeliveryOptions = {}): void {
    if (this.closed) return;
    const job = (async () => {
      // After the HTTP response that caused the event (asynchronous, like the Sidekiq hops).
      await new Promise((resolve) => setImmediate(resolve));
      await this.acquireThread();
      try {
        if (this.closed) return;
        const result = await this.post(url, payload(), options);
        if (!this.closed) onResult(result);
      } finally {
        this.releaseThread();
      }
    })().catch(() => undefined);
    this.inFlight.add(job);
    void job.then(() => this.inFlight.delete(job));
  }

  /** Deliveries waiting for a free thread (all SIDEKIQ_CONCURRENCY threads busy). */
  waitingForThread(): number {
    return this.waiting.length;
  }

  /** Resolves when every queued delivery has finished (tests and close()), including ones their results enqueued. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async close(): Promise<void> {
    this.closed = true;
    // Jobs still waiting for a thread see `closed` and end without a request.
    for (const wake of this.waiting.splice(0)) wake();
    // destroy() fails the requests in flight at once (no per-request abort listeners to pile up on a shared signal).
    await this.agent.destroy().catch(() => undefined);
    await this.idle();
  }

  private acquireThread(): Promise<void> {
    if (this.running < this.concurrency && this.waiting.length === 0) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.running += 1;
        resolve();
      }),
    );
  }

  private releaseThread(): void {
    this.running -= 1;
    const next = this.waiting.shift();
    if (next) next();
  }

  private async post(rawUrl: string, payload: unknown, options: DeliveryOptions): Promise<DeliveryResult> {
    let url: URL;
    try {
      url = new URL(rawUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('unsupported scheme');
    } catch {
      return { ok: false, error: `bad URI(is not URI?): ${JSON.stringify(rawUrl)}` };
    }
    if (options.refusePrivateTargets) {
      try {
        const refusal = await privateTargetRefusal(url, this.resolve);
        if (refusal) return { ok: false, error: refusal };
      } catch {
        // ssrf_filter's UnresolvedHostname (Inference: the text was not read).
        return { ok: false, error: `Could not resolve hostname '${url.hostname}'` };
      }
    }
    const body = JSON.stringify(payload);
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'user-agent': 'rest-client/2.1.0 (linux x86_64) ruby/3.2.2p53',
          ...options.headers?.(body),
        },
        body,
      });
      await response.body.dump({ limit: 1024 * 1024 }).catch(() => undefined);
      if (response.statusCode >= 200 && response.statusCode < 300) return { ok: true, status: response.statusCode };
      return { ok: false, error: `${response.statusCode} ${REST_CLIENT_PHRASES[response.statusCode] ?? 'Unknown'}` };
    } catch (error) {
      return { ok: false, error: restClientMessage(error, url) };
    }
  }
}
