export type TwinRole = 'chatwoot' | 'evolution' | 's3' | 'proxy';

/**
 * How every twin is started, in-process (sim backend, tests) or as a container entry point
 * (docker backend): configuration comes from the same env vars as the upstream image, twin-only
 * knobs are prefixed TWIN_.
 */
export interface TwinStartOptions {
  env: Record<string, string | undefined>;
  /** Interface to bind; 127.0.0.1 unless running inside a container. */
  host?: string;
  /** Overrides the port from env (PORT / SERVER_PORT); 0 picks a free port. */
  port?: number;
  /** Where upstream-format log lines go (a common/log-sink.ts LogSink); stdout when omitted. */
  log?: { write(line: string): void };
  /** Injected clock for tests. */
  now?: () => number;
}

export interface StartedTwin {
  role: TwinRole;
  /** Profile version (e.g. "3.8.0", "1.7.4"); undefined for version-less roles. */
  version: string | undefined;
  url: string;
  port: number;
  close(): Promise<void>;
}
