/** The docker backend's StartedEnvironment: what a run owns (containers through DockerRun, the evidence hub), per service. */
import type { Redactor } from '../../common/redact.ts';
import { createRedactor } from '../../common/redact.ts';
import { ErrorCodes, InfrastructureError } from '../../errors/index.ts';
import type { EvidenceHub } from '../../evidence/evidence-hub.ts';
import type { PlannedService, RunPlan } from '../../matrix/plan-types.ts';
import type { CellStack, EvolutionEndpoint, S3Endpoint, ServiceStartOutcome } from '../../stack/stack.ts';
import type { BackendStartOptions, StartedEnvironment } from '../backend.ts';
import type { CellEvidence } from '../../model/cell-evidence.ts';
import type { CellAccounts } from '../shared/cell-accounts.ts';
import type { DockerRun } from './docker-run.ts';
import type { ImagesKind } from './images.ts';
import type { RunWatchdog } from './run-reaper.ts';
import { secretValues, type RunSecrets } from './specs/spec-context.ts';

/** Cap of log lines per service in a cell's evidence (the full log is on disk). */
export const LOG_EXCERPT_LINES = 2000;

export interface ChatwootRuntime {
  service: PlannedService;
  /** Host URL of its recording proxy (what the harness uses). */
  url: string;
  /** In-network URL of its recording proxy (what Evolution is given). */
  urlFromEvolution: string;
  s3: S3Endpoint | undefined;
  accounts: CellAccounts | undefined;
}

export interface EvolutionRuntime {
  service: PlannedService;
  endpoint: EvolutionEndpoint;
  /** Host URL of its recording proxy: its /__evochat/probe fetches from Evolution's network. */
  proxyUrl: string;
  /** Twin only: the simulated WhatsApp's control API on the Evolution container. */
  whatsappControlUrl: string | undefined;
}

export class DockerEnvironment implements StartedEnvironment {
  readonly backend = 'docker' as const;
  readonly stacks = new Map<string, CellStack>();
  readonly phases: Record<string, number> = {};
  readonly redactor: Redactor;
  run: DockerRun | undefined;
  hub: EvidenceHub | undefined;
  private closeHub: (() => Promise<void>) | undefined;
  readonly chatwoots = new Map<string, ChatwootRuntime>();
  readonly evolutions = new Map<string, EvolutionRuntime>();
  /** Control URL of each latency proxy, by its service id (one per run; one per cell in a naive plan). */
  readonly latencyControlUrls = new Map<string, string>();
  /** Host URL of each object store (MinIO), by s3 service id. */
  readonly storeUrls = new Map<string, string>();
  /** Start probes (ContainerSpec.startProbe): what each start did, by service id. */
  readonly startOutcomes = new Map<string, ServiceStartOutcome>();
  /** Effective image name → digest, per service id. */
  readonly imagesByService = new Map<string, Record<string, string>>();
  stopRequested = false;
  private stopping: Promise<void> | undefined;

  constructor(
    readonly images: ImagesKind,
    readonly plan: RunPlan,
    readonly secrets: RunSecrets,
    readonly options: BackendStartOptions,
  ) {
    this.redactor = createRedactor(secretValues(secrets));
  }

  get servicesStarted(): number {
    return this.run?.containersStarted ?? 0;
  }

  progress(phase: string, message: string): void {
    this.options.onProgress?.({ phase, message });
  }

  async timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.phases[phase] = Math.round((this.phases[phase] ?? 0) + performance.now() - started);
    }
  }

  assertActive(): void {
    if (this.stopRequested || this.options.signal?.aborted)
      throw new InfrastructureError(ErrorCodes.interrupted, 'interrupted while starting the docker backend');
  }

  setHub(hub: EvidenceHub, close: () => Promise<void>): void {
    this.hub = hub;
    let closing: Promise<void> | undefined;
    this.closeHub = () => (closing ??= close());
  }

  async collectEvidence(cellId: string): Promise<CellEvidence> {
    if (!this.hub) return { exchanges: [], logs: [], logFiles: {} };
    return {
      exchanges: await this.hub.exchanges(cellId),
      logs: this.hub.logExcerpts(cellId, LOG_EXCERPT_LINES),
      logFiles: this.run?.logFilesFor(cellId) ?? {},
    };
  }

  imagesFor(cellId: string): Record<string, string> {
    const images: Record<string, string> = {};
    for (const service of this.plan.services) if (service.cells.includes(cellId)) Object.assign(images, this.imagesByService.get(service.id));
    return images;
  }

  /**
   * Removes every container and the network of the run (by label, also ones whose start is still in flight),
   * keeps the log files. Concurrent and repeated calls share one teardown; a run created after an early stop
   * request is torn down by the next call.
   */
  /** Removes the run's resources if this process ends before stop() finished (run-reaper.ts). */
  watchdog: RunWatchdog | undefined;

  /** An abort of options.signal (SIGINT/SIGTERM in the run command), during start or later: tear down. */
  private readonly onAbort = () => {
    void this.stop();
  };

  watchAbort(): void {
    this.options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  stop(): Promise<void> {
    this.stopRequested = true;
    this.options.signal?.removeEventListener('abort', this.onAbort);
    const run = this.run;
    if (this.stopping && run?.stopping) return this.stopping;
    this.stopping = (async () => {
      await this.closeHub?.();
      // The cells' accounts go first, through the Platform API that provisioned them (best effort).
      await Promise.all([...this.chatwoots.values()].flatMap((runtime) => (runtime.accounts ? [runtime.accounts.remove()] : [])));
      if (!run) return;
      const report = await run.teardown();
      if (report.failed.length > 0) {
        // The watchdog stays: it retries once this process is gone.
        const names = report.failed.map((failure) => `${failure.resource.kind} ${failure.resource.name}: ${failure.error}`).join('; ');
        process.stderr.write(`docker backend: could not remove ${names}; run \`npm run clean\` to retry\n`);
      } else this.watchdog?.stop();
    })();
    return this.stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
