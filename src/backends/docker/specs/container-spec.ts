import type { ImageSlot } from '../images.ts';

/** What decides that a container is ready. HTTP waits are preferred: the twin images have no shell. */
export type WaitSpec =
  | {
      kind: 'http';
      path: string;
      port: number;
      status: number;
      /** Top-level JSON fields the body must have with these values (Chatwoot's GET /api service checks). */
      jsonFields?: Record<string, string>;
      timeoutMs: number;
    }
  | { kind: 'log'; pattern: RegExp; times: number; timeoutMs: number }
  /** Runs to completion; ready = exited 0 (Chatwoot's db prepare). */
  | { kind: 'one-shot'; timeoutMs: number };

export type ContainerRole =
  | 'postgres'
  | 'redis'
  | 'chatwoot-prepare'
  | 'chatwoot-platform-app'
  | 'chatwoot-rails'
  | 'chatwoot-sidekiq'
  | 'evolution'
  | 'minio'
  | 'recording-proxy'
  | 'latency-proxy';

/** One container, as pure data: what the lifecycle code starts and what the spec tests check. */
export interface ContainerSpec {
  /** Unique within a run; also the log file name and the container name suffix. */
  name: string;
  serviceId: string;
  role: ContainerRole;
  slot: ImageSlot;
  /** The image requested (pinned name or override; testcontainers adds TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX). */
  image: string;
  /** Replaces the image's ENTRYPOINT when set. */
  entrypoint?: string[];
  /** Replaces the image's CMD when set. */
  command?: string[];
  env: Record<string, string>;
  /** DNS names on the run network. */
  networkAliases: string[];
  /** Container ports published on 127.0.0.1 (random host ports). */
  exposedPorts: number[];
  wait: WaitSpec;
  /** Names of specs that must be ready (or, for one-shots, finished) first. */
  dependsOn: string[];
  labels: Record<string, string>;
  /** Runs to completion and is removed afterwards (its logs stay in the artifacts). */
  oneShot: boolean;
  /** Started to learn whether it starts (a fault scenario reads the outcome): a failed start does not fail the run. */
  startProbe?: boolean;
}

/** Turns a plan id (e.g. `chatwoot-3.8.0-minio`) into a DNS label and container-name-safe token. */
export function dnsLabel(id: string): string {
  const label = id
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (label === '') throw new Error(`"${id}" has no characters usable in a DNS name`);
  return label.slice(0, 63).replace(/-$/, '');
}
