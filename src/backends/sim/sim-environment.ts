import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRedactor, type Redactor } from '../../common/redact.ts';
import { ErrorCodes, InfrastructureError } from '../../errors/index.ts';
import type { EvidenceHub } from '../../evidence/evidence-hub.ts';
import type { LatencyProxy } from '../../evidence/latency-proxy.ts';
import { createLogCapture, type LogCapture } from '../../evidence/log-capture.ts';
import type { RecordingProxy } from '../../evidence/recording-proxy.ts';
import type { ChatwootVersion, EvolutionVersion } from '../../model/axes.ts';
import type { PlannedService, RunPlan } from '../../matrix/plan-types.ts';
import type { CellStack, ChatwootEndpoint, S3Endpoint } from '../../stack/stack.ts';
import type { StartedTwin, TwinRole } from '../../model/twin-types.ts';
import type { BackendStartOptions, StartedEnvironment } from '../backend.ts';
import type { CellEvidence } from '../../model/cell-evidence.ts';
import type { ServiceHost } from './service-host.ts';
import type { AttachSession } from '../attach/attach-session.ts';
import type { CellKey } from '../../model/axes.ts';
import { instancePrefixFor } from '../../stack/build-cell-stack.ts';

/** Defaults when a hand-made plan has no settings (matrix.json normally provides them). */
export const DEFAULT_SETTINGS = {
  chatwoot: { defaultLocale: 'en' as const },
  evolution: { language: 'en' as const, qrRefreshMs: 1000 },
  storage: { latencyMs: 6000 },
};

export type SimSettings = NonNullable<RunPlan['settings']> | typeof DEFAULT_SETTINGS;

/** Cap of log lines per service in a cell's evidence (the full log is on disk). */
const LOG_EXCERPT_LINES = 2000;

export function secret(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

export function slug(text: string): string {
  return text
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

export interface S3Runtime {
  twin: StartedTwin;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ChatwootRuntime {
  service: PlannedService;
  version: ChatwootVersion;
  front: RecordingProxy;
  storageProxy: RecordingProxy | undefined;
  twin: StartedTwin | undefined;
  s3: S3Endpoint | undefined;
  log: LogCapture;
  accounts: Map<string, ChatwootEndpoint>;
  ptBr: ChatwootEndpoint | undefined;
  defaultLocale: string;
  /** The access token of its PlatformApp (TWIN_PLATFORM_TOKEN), what the cell accounts are provisioned with. */
  platformToken: string;
  /** This Chatwoot's account id → cells (for attributing its exchanges). */
  accountCells: Map<number, string[]>;
}

export interface EvolutionRuntime {
  service: PlannedService;
  version: EvolutionVersion;
  front: RecordingProxy;
  twin: StartedTwin | undefined;
  serverUrl: string;
  apiKey: string;
  log: LogCapture;
}

/** Everything the sim environment owns, closed in reverse order by stop(). */
export class SimResources {
  readonly closers: { name: string; close: () => Promise<void> }[] = [];
  add(name: string, close: () => Promise<void>): void {
    this.closers.push({ name, close });
  }
  async closeAll(): Promise<void> {
    const closers = this.closers.splice(0).reverse();
    for (const closer of closers) {
      try {
        await closer.close();
      } catch {
        // Closing is best effort: one stubborn service must not keep the others open.
      }
    }
  }
}

/**
 * Service hosts (worker threads) and what runs where: the Chatwoots on one, the Evolutions (which
 * render every QR code) on another, and the S3 stand-in alone so uploads never wait behind a busy
 * Evolution. More hosts cost more than they give on two cores (each loads the twin sources itself).
 * Hosts are created only when the plan needs them.
 */
export const HOST_NAMES = ['chatwoot', 'evolution', 's3'] as const;
export type HostName = (typeof HOST_NAMES)[number];

export function hostFor(role: TwinRole): HostName {
  return role === 'chatwoot' ? 'chatwoot' : role === 'evolution' ? 'evolution' : 's3';
}

export function hostsNeeded(plan: RunPlan): HostName[] {
  const needed = new Set<HostName>();
  for (const service of plan.services) {
    if (service.kind === 'chatwoot' || service.kind === 'evolution' || service.kind === 's3') needed.add(hostFor(service.kind));
  }
  return HOST_NAMES.filter((name) => needed.has(name));
}

export class SimEnvironment implements StartedEnvironment {
  readonly backend: 'sim' | 'attach';
  readonly images = undefined;
  readonly stacks = new Map<string, CellStack>();
  servicesStarted = 0;
  readonly phases: Record<string, number> = {};

  readonly resources = new SimResources();
  readonly redactor: Redactor = createRedactor();
  readonly captures = new Map<string, { capture: LogCapture; cells: readonly string[] }>();
  readonly chatwoots = new Map<string, ChatwootRuntime>();
  readonly evolutions = new Map<string, EvolutionRuntime>();
  readonly proxies: RecordingProxy[] = [];
  s3: S3Runtime | undefined;
  latency: LatencyProxy | undefined;
  hub: EvidenceHub | undefined;
  /** Where twins run (HOST_NAMES). */
  readonly hosts = new Map<HostName, ServiceHost>();
  private stopping: Promise<void> | undefined;

  /**
   * The attach backend: the plan's standard Chatwoot is this running server (its recording proxy in front of it),
   * everything else is a twin as on sim; the Chatwoot→Evolution proxies listen on `bindHost`.
   */
  readonly attached: AttachSession | undefined;
  bindHost = '127.0.0.1';

  constructor(
    readonly plan: RunPlan,
    readonly options: BackendStartOptions,
    attached?: AttachSession,
  ) {
    this.attached = attached;
    this.backend = attached ? 'attach' : 'sim';
  }

  /**
   * The instance prefix of a cell. On an attached Chatwoot it also carries the run (the last 6 characters of its id): the
   * inboxes named after instances live on a server other runs use too.
   */
  instancePrefix(cell: CellKey): string {
    const base = instancePrefixFor(cell);
    if (!this.attached) return base;
    const tag = this.options.runId
      .replace(/[^a-z0-9]/gi, '')
      .slice(-6)
      .toLowerCase();
    return `${base}${tag}-`;
  }

  startTwin(role: TwinRole, env: Record<string, string | undefined>, log: LogCapture): Promise<StartedTwin> {
    const host = this.hosts.get(hostFor(role));
    if (!host) throw new InfrastructureError(ErrorCodes.internal, 'the sim backend has no service host');
    return host.start(role, { env, log });
  }

  private proxyCapture: LogCapture | undefined;

  /** One log for every recording proxy's own messages (transport failures it passed through). */
  proxyLog(): LogCapture {
    this.proxyCapture ??= this.captureFor(
      'proxies',
      this.plan.cells.map((cell) => cell.id),
    );
    return this.proxyCapture;
  }

  captureFor(name: string, cells: readonly string[]): LogCapture {
    const capture = createLogCapture({ service: name, file: join(this.options.artifactsDir, 'services', `${name}.log`), redactor: this.redactor });
    this.captures.set(name, { capture, cells });
    this.resources.add(`log ${name}`, () => capture.close());
    return capture;
  }

  async collectEvidence(cellId: string): Promise<CellEvidence> {
    if (!this.hub) return { exchanges: [], logs: [], logFiles: {} };
    const exchanges = await this.hub.exchanges(cellId);
    const logs = this.hub.logExcerpts(cellId, LOG_EXCERPT_LINES);
    const logFiles: Record<string, string> = {};
    const dir = join('cells', cellId, 'logs');
    await mkdir(join(this.options.artifactsDir, dir), { recursive: true });
    for (const [name, { capture, cells }] of this.captures) {
      if (!cells.includes(cellId)) continue;
      const relative = join(dir, `${name}.log`);
      await writeFile(join(this.options.artifactsDir, relative), this.redactedLog(name, capture));
      logFiles[name] = relative;
    }
    return { exchanges, logs, logFiles };
  }

  private readonly redactedLogs = new Map<string, { lines: number; version: number; text: string }>();

  /** A service's whole log, redacted; computed once per service however many cells share it. */
  private redactedLog(name: string, capture: LogCapture): string {
    const lines = capture.lines();
    const cached = this.redactedLogs.get(name);
    if (cached && cached.lines === lines.length) {
      if (cached.version !== this.redactor.version) {
        const version = this.redactor.version;
        cached.text = this.redactor.since(cached.version, cached.text);
        cached.version = version;
      }
      return cached.text;
    }
    const version = this.redactor.version;
    const text = lines.length === 0 ? '' : `${this.redactor.text(lines.join('\n'))}\n`;
    this.redactedLogs.set(name, { lines: lines.length, version, text });
    return text;
  }

  imagesFor(cellId: string): Record<string, string> {
    const cell = this.plan.cells.find((candidate) => candidate.id === cellId);
    if (!cell) return {};
    const attached = this.attached?.chatwoot;
    return {
      chatwoot: attached ? `attached Chatwoot ${attached.reportedVersion} at ${attached.url}` : `chatwoot twin ${cell.chatwoot} (sim)`,
      evolution: this.attached?.evolution
        ? `attached Evolution ${this.attached.evolution.reportedVersion} at ${this.attached.evolution.url}`
        : `evolution twin ${cell.evolution} (sim)`,
      ...(cell.storage === 'minio' ? { s3: 's3rver stand-in for MinIO (sim)' } : {}),
    };
  }

  stop(): Promise<void> {
    this.stopping ??= this.resources.closeAll();
    return this.stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

export async function timed(env: SimEnvironment, phase: string, work: () => Promise<void>): Promise<void> {
  const started = performance.now();
  try {
    await work();
  } finally {
    env.phases[phase] = Math.round((env.phases[phase] ?? 0) + performance.now() - started);
  }
}
