/**
 * Owns one run's Docker resources: the network, every container, their log files. Everything carries the run's
 * labels, so teardown finds what it must remove even when a start was still in flight (a container exists
 * before testcontainers returns a handle for it) or the process that created it is gone (`clean`).
 */
import { closeSync, createWriteStream, linkSync, mkdirSync, openSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ContainerRuntimeClient } from 'testcontainers';
import { teeSink, type LogSink } from '../../common/log-sink.ts';
import { ErrorCodes, InfrastructureError } from '../../errors/index.ts';
import { createLogCapture, type LogCapture } from '../../evidence/log-capture.ts';
import { removeResources, listLabelledResources, type LabelledResource, type RemovalReport } from './cleanup.ts';
import { LABELS } from './labels.ts';
import { createRunNetwork, type RunNetwork } from './network.ts';
import type { ContainerSpec } from './specs/container-spec.ts';
import { startContainer, type StartedContainerHandle } from './start-container.ts';
import { holdForTest } from '../../common/test-hold.ts';

export interface DockerRunOptions {
  client: ContainerRuntimeClient;
  runId: string;
  /** Labels every resource carries (labels.ts runLabels). */
  labels: Record<string, string>;
  /** Logs go to <artifactsDir>/cells/<cellId>/logs/<container>.log (the README's place), once per cell the container serves. */
  artifactsDir: string;
  /** Applied to every line written to the log files (the in-memory capture keeps raw lines; the evidence hub redacts on read). */
  redact?: (line: string) => string;
  /** How long teardown waits for starts in flight to settle before sweeping again. */
  settleTimeoutMs?: number;
}

/**
 * Writes every line to several files (one per cell a shared container serves). They are hard links of one file where
 * the file system allows, so a line is written once however many cells share the container (12 on the full matrix:
 * ≈ 1 CPU-s of the harness's writes); a name that cannot be a link (it exists, or links are not supported) gets a
 * stream of its own.
 */
export function fileFanout(paths: readonly string[], redact: (line: string) => string): LogSink & { close(): Promise<void> } {
  const streams: WriteStream[] = [];
  let shared: string | undefined;
  for (const path of paths) {
    mkdirSync(dirname(path), { recursive: true });
    if (shared === undefined) {
      closeSync(openSync(path, 'a')); // exists now, so later names can link to it
      shared = path;
    } else if (linkedTo(shared, path)) continue;
    streams.push(createWriteStream(path, { flags: 'a' }));
  }
  let closed = false;
  return {
    write(line) {
      if (closed) return;
      const text = redact(line.replace(/\n$/, ''));
      for (const stream of streams) stream.write(`${text}\n`);
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(streams.map((stream) => new Promise<void>((resolve) => stream.end(() => resolve()))));
    },
  };
}

function linkedTo(existing: string, path: string): boolean {
  try {
    linkSync(existing, path);
    return true;
  } catch {
    return false;
  }
}

export interface ContainerLog {
  spec: ContainerSpec;
  capture: LogCapture;
  /** Relative to artifactsDir, per cell. */
  files: Map<string, string>;
  /** Where the container's lines go: the capture (for evidence) and every cell's file. */
  sink: LogSink;
}

export class DockerRun {
  readonly runId: string;
  readonly containerPrefix: string;
  network: RunNetwork | undefined;
  readonly handles = new Map<string, StartedContainerHandle>();
  readonly logs = new Map<string, ContainerLog>();
  /**
   * Containers that exist, by id: spec name and whether the engine has started them. One being started is left
   * alone by the first teardown sweep: removing a container while the engine sets up its network endpoint can
   * leave the network with a stale endpoint that no API call removes (seen with engine 20.10).
   */
  private readonly created = new Map<string, { name: string; started: boolean }>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly fanouts: { close(): Promise<void> }[] = [];
  private closing: Promise<RemovalReport> | undefined;
  /** Aborted when teardown begins: waits in flight give up, late creations remove themselves. */
  private readonly abort = new AbortController();
  containersStarted = 0;

  constructor(private readonly options: DockerRunOptions) {
    this.runId = options.runId;
    // Docker names must be unique on the engine: the run id keeps parallel runs apart.
    this.containerPrefix = `evochat-${options.runId.replace(/[^a-zA-Z0-9_.-]/g, '-')}`;
  }

  get stopping(): boolean {
    return this.closing !== undefined;
  }

  async createNetwork(): Promise<RunNetwork> {
    if (this.stopping) throw this.stoppedError('network');
    const network = await createRunNetwork(this.options.client, this.containerPrefix, {
      ...this.options.labels,
      [LABELS.service]: 'network',
      [LABELS.role]: 'network',
    });
    if (this.stopping) {
      // Teardown began while the network was being created and may have missed it.
      await this.options.client.network.remove(this.options.client.network.getById(network.id)).catch(() => undefined);
      throw this.stoppedError('network');
    }
    this.network = network;
    return network;
  }

  /** The cells a spec's container serves (from its label), for per-cell log copies. */
  private cellsOf(spec: ContainerSpec): string[] {
    return (spec.labels[LABELS.cells] ?? '').split(',').filter(Boolean);
  }

  private logFor(spec: ContainerSpec): ContainerLog {
    const existing = this.logs.get(spec.name);
    if (existing) return existing;
    const files = new Map(this.cellsOf(spec).map((cell) => [cell, join('cells', cell, 'logs', `${spec.name}.log`)]));
    const capture = createLogCapture({ service: spec.name });
    const fanout = fileFanout(
      [...files.values()].map((path) => join(this.options.artifactsDir, path)),
      this.options.redact ?? ((line) => line),
    );
    this.fanouts.push(fanout);
    const log: ContainerLog = { spec, capture, files, sink: teeSink(capture, fanout) };
    this.logs.set(spec.name, log);
    return log;
  }

  /** Starts one container; the log sink is attached before start, so a failed wait leaves its lines on disk. */
  async start(spec: ContainerSpec): Promise<StartedContainerHandle> {
    if (this.stopping) throw this.stoppedError(spec.name);
    if (!this.network) throw new Error('create the network first');
    const log = this.logFor(spec);
    const work = startContainer(spec, {
      network: this.network,
      containerName: `${this.containerPrefix}-${spec.name}`,
      log: log.sink,
      signal: this.abort.signal,
      onStarted: (id) => {
        const entry = this.created.get(id);
        if (entry) entry.started = true;
      },
      onCreated: async (id) => {
        this.created.set(id, { name: spec.name, started: false });
        if (this.stopping) {
          // Created after teardown listed the run's containers: remove it here, before it ever starts.
          await this.options.client.container.dockerode
            .getContainer(id)
            .remove({ force: true })
            .catch(() => undefined);
          throw this.stoppedError(spec.name);
        }
      },
    });
    this.inFlight.add(work);
    try {
      const handle = await work;
      this.containersStarted += 1;
      if (this.stopping) {
        // Stop began while this one was starting: teardown's second sweep removes it.
        throw this.stoppedError(spec.name);
      }
      this.handles.set(spec.name, handle);
      // Test-only (EVOCHAT_TEST_HOLD_AT=service-started): one container is up, others are still starting.
      if (this.containersStarted === 1) await holdForTest('service-started', { signal: this.abort.signal });
      return handle;
    } catch (error) {
      if (this.stopping) throw this.stoppedError(spec.name);
      const lastLines = log.capture.lines().slice(-20);
      const file = [...log.files.values()][0];
      throw new InfrastructureError(ErrorCodes.serviceStart, `container ${spec.name} (${spec.image}) did not become ready: ${(error as Error).message}`, {
        cause: error,
        details: { container: spec.name, image: spec.image, role: spec.role, logFile: file, lastLines },
        // Relative: the run's staging folder becomes --out once the run completes (src/runner/out-dir.ts).
        hint: file ? `its log is ${file} in the run's --out folder` : undefined,
      });
    } finally {
      this.inFlight.delete(work);
    }
  }

  private stoppedError(what: string): InfrastructureError {
    return new InfrastructureError(ErrorCodes.interrupted, `not starting ${what}: the run is stopping`);
  }

  /** Log file paths of a cell, relative to artifactsDir, by container name. */
  logFilesFor(cellId: string): Record<string, string> {
    const files: Record<string, string> = {};
    for (const [name, log] of this.logs) {
      const file = log.files.get(cellId);
      if (file) files[name] = file;
    }
    return files;
  }

  /**
   * Removes everything of the run. Safe to call concurrently and repeatedly (one teardown, shared).
   * Order: abort the waits in flight → sweep by label (forced removal kills running containers) → let the
   * starts in flight settle (they do at once now; a container created meanwhile removes itself) → sweep
   * again → the network (retried while Docker still sees endpoints) → close the log files.
   */
  teardown(): Promise<RemovalReport> {
    if (!this.closing) {
      this.closing = this.doTeardown();
      this.abort.abort();
    }
    return this.closing;
  }

  private async doTeardown(): Promise<RemovalReport> {
    const client = this.options.client;
    const report: RemovalReport = { removed: [], failed: [] };
    const merge = (part: RemovalReport) => {
      report.removed.push(...part.removed);
      report.failed = part.failed;
    };
    const sweep = async (options: { skipStarting: boolean }) => {
      const labelled = await listLabelledResources(client, { runId: this.runId });
      let containers = labelled.filter((resource) => resource.kind === 'container');
      // Created but not yet visible under its labels? Also remove by id.
      for (const [id, entry] of this.created) {
        if (!containers.some((resource) => resource.id === id))
          containers.push({ kind: 'container', id, name: entry.name, runId: this.runId, createdAt: undefined });
      }
      if (options.skipStarting) containers = containers.filter((resource) => this.created.get(resource.id)?.started !== false);
      merge(await removeResources(client, containers));
    };
    await sweep({ skipStarting: true });
    const settle = Promise.allSettled([...this.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.settleTimeoutMs ?? 15_000);
    });
    await Promise.race([settle, timeout]);
    clearTimeout(timer);
    await sweep({ skipStarting: false });
    const removeNetworks = async () => {
      const networks: LabelledResource[] = (await listLabelledResources(client, { runId: this.runId })).filter((resource) => resource.kind === 'network');
      return removeResources(client, networks);
    };
    // A container still being removed keeps its endpoint for a moment: retry briefly before giving up.
    let networkReport = await removeNetworks();
    for (let attempt = 0; networkReport.failed.length > 0 && attempt < 20; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      await sweep({ skipStarting: false });
      const retry = await removeNetworks();
      networkReport = { removed: [...networkReport.removed, ...retry.removed], failed: retry.failed };
    }
    report.removed.push(...networkReport.removed);
    report.failed.push(...networkReport.failed);
    await Promise.all(this.fanouts.map((fanout) => fanout.close()));
    await Promise.all([...this.logs.values()].map((log) => log.capture.close()));
    return report;
  }
}
