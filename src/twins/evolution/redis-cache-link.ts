import net from 'node:net';
import type { EvolutionLogger } from './evolution-logger.ts';
import type { BackgroundWork } from './background-work.ts';

/**
 * 2.x's Redis cache as far as the Chatwoot integration feels it (evolution-api-2.x.md §1.3): node-redis 4 connects in
 * the background with its default reconnect strategy (`min(retries × 50, 500)` ms), logs every failure as
 * `ERROR [Redis] [string] redis disconnected`, and queues commands while disconnected: they neither resolve nor
 * reject ([lib-ran]). Every Chatwoot operation starts with `await cache.has(...)`, so with the image default
 * (`redis://localhost:6379/6`) and no Redis, Chatwoot is never called and webhooks are never answered.
 * The twin only needs reachability: a Redis that accepts the TCP connection counts as a working cache, and the
 * twin then behaves as without one (caching itself is not played; Deviation).
 */
export class RedisCacheLink {
  private connected = false;
  private socket: net.Socket | undefined;
  private readonly waiters = new Set<() => void>();
  private retries = 0;

  constructor(
    private readonly uri: string,
    private readonly logger: EvolutionLogger,
    private readonly work: BackgroundWork,
  ) {}

  private target(): { host: string; port: number } {
    try {
      const url = new URL(this.uri);
      return { host: url.hostname || 'localhost', port: url.port ? Number(url.port) : 6379 };
    } catch {
      return { host: 'localhost', port: 6379 };
    }
  }

  /** Starts the background connection loop (at boot, as the cache engines are built at import). */
  start(): void {
    this.attempt();
  }

  private attempt(): void {
    if (this.work.closed) return;
    const { host, port } = this.target();
    const socket = net.connect({ host, port });
    this.socket = socket;
    socket.once('connect', () => {
      this.retries = 0;
      this.connected = true;
      this.logger.verbose('redis ready');
      for (const wake of this.waiters) wake();
      this.waiters.clear();
    });
    socket.once('error', () => {
      this.logger.error('redis disconnected');
    });
    socket.once('close', () => {
      this.connected = false;
      if (this.work.closed) return;
      this.retries += 1;
      const delay = Math.min(this.retries * 50, 500);
      this.work.run(
        async () => {
          await this.work.sleep(delay);
          this.attempt();
        },
        () => undefined,
      );
    });
  }

  /** Resolves at once while connected; otherwise only once connected (never, without a Redis). Rejects on close. */
  gate(): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const wake = () => resolve();
      this.waiters.add(wake);
      this.work.untilClosed().catch((reason: unknown) => {
        this.waiters.delete(wake);
        reject(reason instanceof Error ? reason : new Error(String(reason)));
      });
    });
  }

  close(): void {
    this.socket?.destroy();
    this.waiters.clear();
  }
}
