import { request } from 'undici';
import type { BoundPorts, WaitStrategy } from 'testcontainers';

export interface HttpReadyCheck {
  path: string;
  port: number;
  status: number;
  /** Top-level JSON fields the body must carry with these values. */
  jsonFields?: Record<string, string>;
}

/** The slice of a Dockerode container this wait needs (inspect for exit / removal). */
interface InspectableContainer {
  inspect(): Promise<{ State: { Status: string; ExitCode: number } }>;
}

export interface HttpReadyWaitOptions {
  /** Host the published ports are reached on (127.0.0.1). */
  host: string;
  /** Aborted when the run stops: the wait gives up at once instead of polling a removed container. */
  signal: AbortSignal;
  pollMs?: number;
}

export function bodyMatches(body: string, fields: Record<string, string> | undefined): boolean {
  if (!fields) return true;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    return Object.entries(fields).every(([name, value]) => parsed[name] === value);
  } catch {
    return false;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Ready when `GET path` on the published port answers `status` (and the JSON fields match). Unlike
 * testcontainers' HTTP wait it polls every 250 ms, fails as soon as the container exits or disappears
 * (saying so), and stops at once when the run is stopping, so no poll outlives a teardown.
 */
export class HttpReadyWait implements WaitStrategy {
  private startupTimeoutMs = 60_000;
  private startupTimeoutSet = false;

  constructor(
    private readonly check: HttpReadyCheck,
    private readonly options: HttpReadyWaitOptions,
  ) {}

  withStartupTimeout(startupTimeoutMs: number): this {
    this.startupTimeoutMs = startupTimeoutMs;
    this.startupTimeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.startupTimeoutSet;
  }

  getStartupTimeout(): number {
    return this.startupTimeoutMs;
  }

  async waitUntilReady(container: InspectableContainer, boundPorts: BoundPorts): Promise<void> {
    const { signal } = this.options;
    const url = `http://${this.options.host}:${boundPorts.getBinding(this.check.port)}${this.check.path}`;
    const deadline = Date.now() + this.startupTimeoutMs;
    let last = 'no answer yet';
    for (let attempt = 0; ; attempt += 1) {
      if (signal.aborted) throw new Error(`stopped waiting for GET ${this.check.path}: the run is stopping`);
      try {
        // Only a timeout here: AbortSignal.any would leave a listener on the run's signal per poll (Node 20).
        const response = await request(url, { signal: AbortSignal.timeout(2_000) });
        const body = await response.body.text();
        if (response.statusCode === this.check.status && bodyMatches(body, this.check.jsonFields)) return;
        last = `${response.statusCode} ${body.slice(0, 200)}`;
      } catch (error) {
        last = (error as { code?: string }).code ?? (error as Error).message;
      }
      if (attempt % 4 === 0) {
        let state: { Status: string; ExitCode: number };
        try {
          state = (await container.inspect()).State;
        } catch (error) {
          throw new Error(`the container disappeared before GET ${this.check.path} answered (${(error as Error).message})`);
        }
        if (state.Status === 'exited' || state.Status === 'dead') {
          throw new Error(`the container exited with code ${state.ExitCode} before GET ${this.check.path} answered ${this.check.status}`);
        }
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `GET ${this.check.path} did not answer ${this.check.status}${this.check.jsonFields ? ` with ${JSON.stringify(this.check.jsonFields)}` : ''} within ${this.startupTimeoutMs} ms (last: ${last})`,
        );
      }
      await sleep(this.options.pollMs ?? 250, signal);
    }
  }
}
