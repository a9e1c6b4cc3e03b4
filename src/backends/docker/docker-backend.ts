/**
 * The docker backend: the plan's services as containers through testcontainers, on one labelled network per
 * run, with the same shared-stack plan, per-cell accounts, recording proxies and evidence as the sim backend.
 *
 * `images: 'upstream'` runs the real images (chatwoot/chatwoot, atendai/evolution-api, MinIO, Postgres, Redis);
 * `images: 'twin'` runs the locally built twin images through the very same specs, only the image names
 * swapped (and the Postgres/Redis/prepare/sidekiq containers left out: see specs/chatwoot-specs.ts).
 * The recording and latency proxies are the harness's own image in both modes.
 *
 * Lifecycle and safety: every container and the network carry the run id; stop() (safe to call concurrently
 * and twice), a failed start, and an abort of options.signal (SIGINT/SIGTERM in the run command) all remove
 * everything of the run, by label. Ryuk is not used. Ports are published on 127.0.0.1 only.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ImageName } from 'testcontainers';
import { request } from 'undici';
import { createRedactor, type Redactor } from '../../common/redact.ts';
import { ErrorCodes, HarnessError, InfrastructureError } from '../../errors/index.ts';
import { createCellClassifier } from '../../evidence/cell-classifier.ts';
import { EvidenceHub, serveEvidenceHub, type ExchangeSource, type LogSource } from '../../evidence/evidence-hub.ts';
import { CONTROL_PREFIX, type CellClassifier, type LogEntry } from '../../evidence/evidence-types.ts';
import { createRemoteExchangeSource } from '../../evidence/remote-exchange-source.ts';
import type { EvolutionVersion } from '../../matrix/axes.ts';
import type { PlannedCell, PlannedService, RunPlan } from '../../matrix/plan-types.ts';
import { capabilitiesOf, instancePrefixFor } from '../../stack/build-cell-stack.ts';
import type { CellStack, ChatwootEndpoint, EvolutionEndpoint, S3Endpoint } from '../../stack/stack.ts';
import { WHATSAPP_CONTROL_PREFIX } from '../../twins/whatsapp/whatsapp-control-api.ts';
import type { Backend, BackendStartOptions, CellEvidence, StartedEnvironment } from '../backend.ts';
import { startInDependencyOrder } from '../sim/start-in-order.ts';
import { accountCells, cellLogMarkers, signupCellAccounts, type CellAccounts } from '../shared/cell-accounts.ts';
import { DockerRun } from './docker-run.ts';
import { connectToEngine, imageDigest, missingImages } from './engine.ts';
import { createImageResolver, type ImagesKind } from './images.ts';
import { runLabels } from './labels.ts';
import type { ContainerSpec } from './specs/container-spec.ts';
import { CHATWOOT_PORT } from './specs/chatwoot-specs.ts';
import { EVOLUTION_PORT } from './specs/evolution-spec.ts';
import { MINIO_PORT } from './specs/minio-spec.ts';
import { allProxySpecs, proxySpecs, S3_REGION, serviceAlias, serviceSpecs, type ServiceContainers, type ServiceProxies } from './specs/plan-specs.ts';
import { DEFAULT_PLAN_SETTINGS, secretValues, type RunSecrets, type SpecContext } from './specs/spec-context.ts';
import { applyTestcontainersDefaults } from './testcontainers-env.ts';
import { ensureTwinImages } from './twin-images/ensure-twin-images.ts';

/** Cap of log lines per service in a cell's evidence (the full log is on disk). */
const LOG_EXCERPT_LINES = 2000;

export interface DockerBackendOptions {
  images: ImagesKind;
}

export function createDockerBackend(options: DockerBackendOptions): Backend {
  return { name: 'docker', start: (plan, startOptions) => startDockerEnvironment(plan, options.images, startOptions) };
}

function newRunSecrets(): RunSecrets {
  const hex = (bytes: number) => randomBytes(bytes).toString('hex');
  return {
    postgresPassword: hex(16),
    redisPassword: hex(16),
    secretKeyBase: hex(64),
    evolutionApiKey: hex(16).toUpperCase(),
    s3AccessKeyId: `evochat${hex(6)}`,
    s3SecretAccessKey: hex(20),
  };
}

interface ChatwootRuntime {
  service: PlannedService;
  /** Host URL of its recording proxy (what the harness uses). */
  url: string;
  /** In-network URL of its recording proxy (what Evolution is given). */
  urlFromEvolution: string;
  s3: S3Endpoint | undefined;
  accounts: CellAccounts | undefined;
}

interface EvolutionRuntime {
  service: PlannedService;
  endpoint: EvolutionEndpoint;
  /** Host URL of its recording proxy: its /__evochat/probe fetches from Evolution's network. */
  proxyUrl: string;
  /** Twin only: the simulated WhatsApp's control API on the Evolution container. */
  whatsappControlUrl: string | undefined;
}

class DockerEnvironment implements StartedEnvironment {
  readonly backend = 'docker' as const;
  readonly stacks = new Map<string, CellStack>();
  readonly phases: Record<string, number> = {};
  readonly redactor: Redactor;
  run: DockerRun | undefined;
  hub: EvidenceHub | undefined;
  private closeHub: (() => Promise<void>) | undefined;
  readonly chatwoots = new Map<string, ChatwootRuntime>();
  readonly evolutions = new Map<string, EvolutionRuntime>();
  latencyControlUrl: string | undefined;
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
    if (this.stopRequested || this.options.signal?.aborted) throw new InfrastructureError(ErrorCodes.interrupted, 'interrupted while starting the docker backend');
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
  stop(): Promise<void> {
    this.stopRequested = true;
    const run = this.run;
    if (this.stopping && run?.stopping) return this.stopping;
    this.stopping = (async () => {
      await this.closeHub?.();
      if (!run) return;
      const report = await run.teardown();
      if (report.failed.length > 0) {
        const names = report.failed.map((failure) => `${failure.resource.kind} ${failure.resource.name}: ${failure.error}`).join('; ');
        process.stderr.write(`docker backend: could not remove ${names}; run \`npm run clean\` to retry\n`);
      }
    })();
    return this.stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/** Upstream mode: pull what is missing before any container starts, as its own timed phase (never for local images). */
async function pullMissing(env: DockerEnvironment, client: Awaited<ReturnType<typeof connectToEngine>>, specs: readonly ContainerSpec[], context: SpecContext): Promise<void> {
  const remote = new Map<string, ImageName>();
  for (const spec of specs) {
    // ImageName applies TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX, exactly as GenericContainer will.
    if (!context.images.resolve(spec.slot).local) remote.set(spec.image, ImageName.fromString(spec.image));
  }
  const missing = new Set(await missingImages(client, [...remote.values()].map((name) => name.string)));
  for (const name of remote.values()) {
    if (!missing.has(name.string)) continue;
    env.assertActive();
    env.progress('pull', `pulling ${name.string}`);
    await client.image.pull(name, { force: false, platform: undefined });
  }
}

/** A proxy container's exchanges, attributed to cells at read time (the container has no classifier of its own). */
function classifiedSource(source: ExchangeSource, classify: CellClassifier): ExchangeSource {
  return {
    name: source.name,
    async list(filter) {
      const items = await source.list({ ...(filter.since === undefined ? {} : { since: filter.since }), ...(filter.link ? { link: filter.link } : {}) });
      const attributed = items.map((item) => ({ ...item, cells: classify({ method: item.exchange.request.method, url: item.exchange.request.url }) }));
      return filter.cell === undefined ? attributed : attributed.filter((item) => item.cells.includes(filter.cell!));
    },
  };
}

/** Log sources named like the sim backend's: a product service by its plan id, a proxy by `proxy-<name>`. */
function logSources(env: DockerEnvironment, run: DockerRun): LogSource[] {
  const groups = new Map<string, { cells: readonly string[]; captures: (() => LogEntry[])[] }>();
  for (const log of run.logs.values()) {
    const spec = log.spec;
    const service = env.plan.services.find((candidate) => candidate.id === spec.serviceId);
    const cells = service?.cells ?? [];
    const name =
      spec.role === 'recording-proxy'
        ? `proxy-${spec.name}`
        : spec.role === 'postgres' || spec.role === 'redis'
          ? `${spec.serviceId}-${spec.role}`
          : spec.serviceId;
    const group = groups.get(name) ?? { cells, captures: [] };
    group.captures.push(() => log.capture.entries());
    groups.set(name, group);
  }
  return [...groups].map(([service, group]) => ({
    service,
    cells: group.cells,
    entries: (filter) => {
      const since = typeof filter.since === 'number' ? filter.since : filter.since === undefined ? undefined : Date.parse(filter.since);
      return group.captures
        .flatMap((entries) => entries())
        .filter((entry) => since === undefined || Number.isNaN(since) || entry.at >= since)
        .sort((a, b) => a.at - b.at);
    },
  }));
}

function proxyHandleUrl(run: DockerRun, spec: ContainerSpec | undefined): string {
  if (!spec) throw new Error('missing proxy spec');
  const handle = run.handles.get(spec.name);
  if (!handle) throw new Error(`proxy ${spec.name} is not running`);
  return handle.hostUrl(spec.exposedPorts[0]!);
}

async function createBuckets(env: DockerEnvironment, run: DockerRun, services: ReadonlyMap<string, ServiceContainers>): Promise<string | undefined> {
  const store = [...services.values()].find((entry) => entry.service.kind === 's3');
  if (!store?.main) return undefined;
  const endpoint = run.handles.get(store.main.name)!.hostUrl(MINIO_PORT);
  const client = new S3Client({
    endpoint,
    region: S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: env.secrets.s3AccessKeyId, secretAccessKey: env.secrets.s3SecretAccessKey },
  });
  try {
    // Chatwoot does not create its bucket; the harness does, as it must with real MinIO.
    for (const entry of services.values()) {
      if (entry.bucket) await client.send(new CreateBucketCommand({ Bucket: entry.bucket }));
    }
  } catch (error) {
    throw new InfrastructureError(ErrorCodes.bootstrap, `could not create the buckets on ${endpoint}: ${env.redactor.text((error as Error).message)}`, { cause: error });
  } finally {
    client.destroy();
  }
  return endpoint;
}

function collectRuntimes(env: DockerEnvironment, run: DockerRun, proxies: ReadonlyMap<string, ServiceProxies>, services: ReadonlyMap<string, ServiceContainers>, minioHostUrl: string | undefined): void {
  for (const entry of services.values()) {
    const service = entry.service;
    const serviceProxies = proxies.get(service.id);
    switch (service.kind) {
      case 'chatwoot':
        env.chatwoots.set(service.id, {
          service,
          url: proxyHandleUrl(run, serviceProxies?.front),
          urlFromEvolution: `http://${serviceAlias(service)}:${CHATWOOT_PORT}`,
          s3:
            entry.bucket && entry.storageEndpoint && minioHostUrl
              ? {
                  endpoint: minioHostUrl,
                  endpointFromChatwoot: entry.storageEndpoint,
                  bucket: entry.bucket,
                  region: S3_REGION,
                  accessKeyId: env.secrets.s3AccessKeyId,
                  secretAccessKey: env.secrets.s3SecretAccessKey,
                  forcePathStyle: true,
                }
              : undefined,
          accounts: undefined,
        });
        break;
      case 'evolution': {
        const proxyUrl = proxyHandleUrl(run, serviceProxies?.front);
        const main = entry.main && run.handles.get(entry.main.name);
        env.evolutions.set(service.id, {
          service,
          endpoint: { url: proxyUrl, apiKey: env.secrets.evolutionApiKey, serverUrl: entry.url!, version: service.version as EvolutionVersion },
          proxyUrl,
          // A simulated WhatsApp exists only inside the twin; the real image talks to WhatsApp's servers.
          whatsappControlUrl: env.images === 'twin' && main ? `${main.hostUrl(EVOLUTION_PORT)}${WHATSAPP_CONTROL_PREFIX}` : undefined,
        });
        break;
      }
      case 'storage-latency-proxy':
        env.latencyControlUrl = `${proxyHandleUrl(run, serviceProxies?.front)}${CONTROL_PREFIX}latency`;
        break;
      case 's3':
        break;
    }
  }
}

function serviceFor<T extends { service: PlannedService }>(map: ReadonlyMap<string, T>, cellId: string, match: (service: PlannedService) => boolean): T | undefined {
  return [...map.values()].find((runtime) => runtime.service.cells.includes(cellId) && match(runtime.service));
}

function buildStack(env: DockerEnvironment, cell: PlannedCell, evidenceUrl: string): CellStack {
  const chatwoot = serviceFor(env.chatwoots, cell.id, (s) => s.variant === 'standard' && s.version === cell.chatwoot && s.storage === cell.storage);
  const evolution = serviceFor(env.evolutions, cell.id, (s) => s.variant === 'standard' && s.version === cell.evolution);
  if (!chatwoot || !evolution) throw new InfrastructureError(ErrorCodes.bootstrap, `the plan gives cell ${cell.id} no standard Chatwoot or Evolution`);
  const account = chatwoot.accounts?.accounts.get(cell.id);
  if (!account) throw new InfrastructureError(ErrorCodes.bootstrap, `no Chatwoot account was created for cell ${cell.id}`);
  const slow = serviceFor(env.chatwoots, cell.id, (s) => s.variant === 'slow-storage' && s.version === cell.chatwoot);
  const slowAccount: ChatwootEndpoint | undefined = slow?.accounts?.accounts.get(cell.id);
  const slowStorage = slow && slowAccount && slow.s3 && env.latencyControlUrl ? { chatwoot: slowAccount, s3: slow.s3, latencyControlUrl: env.latencyControlUrl } : undefined;
  const variant = (name: PlannedService['variant']) => serviceFor(env.evolutions, cell.id, (s) => s.variant === name && s.version === cell.evolution)?.endpoint;

  return {
    cellId: cell.id,
    backend: 'docker',
    images: env.images,
    chatwootVersion: cell.chatwoot,
    evolutionVersion: cell.evolution,
    storage: cell.storage,
    capabilities: capabilitiesOf({
      evidence: true,
      writes: true,
      // Only the twin Evolution has a simulated WhatsApp; with upstream images such scenarios are skipped, never passed.
      whatsappPeer: evolution.whatsappControlUrl !== undefined,
      s3Inspect: cell.storage === 'minio' && chatwoot.s3 !== undefined,
      storageLatency: slowStorage !== undefined,
    }),
    chatwoot: account,
    chatwootPtBr: chatwoot.accounts?.ptBr,
    evolution: evolution.endpoint,
    instancePrefix: instancePrefixFor(cell),
    s3: chatwoot.s3,
    whatsappControlUrl: evolution.whatsappControlUrl,
    evidenceUrl,
    evolutionSideProbeUrl: evolution.proxyUrl,
    faults: {
      trailingSlashEvolution: variant('trailing-slash-server-url'),
      unreachableEvolution: variant('unreachable-server-url'),
      slowStorage,
    },
  };
}

/** Does the host reach a container's bridge address (Linux: yes; Docker Desktop: no)? data_url checks from the host need it. */
async function hostReachesContainers(url: string): Promise<boolean> {
  try {
    const response = await request(`${url}${CONTROL_PREFIX}health`, { signal: AbortSignal.timeout(3_000) });
    await response.body.dump();
    return response.statusCode === 200;
  } catch {
    return false;
  }
}

async function startDockerEnvironment(plan: RunPlan, kind: ImagesKind, options: BackendStartOptions): Promise<StartedEnvironment> {
  applyTestcontainersDefaults();
  const createdAt = new Date();
  const env = new DockerEnvironment(kind, plan, newRunSecrets(), options);
  const onAbort = () => void env.stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Containers per wave: proxies are tiny and upstream boots are slow, so a few more than the stack cap.
  const containerCap = Math.max(2, options.jobs * 2);
  try {
    await mkdir(options.artifactsDir, { recursive: true });
    // Twin mode needs every twin image; upstream mode only the harness's proxy image, built by the same step.
    await env.timed('build', () => ensureTwinImages({ log: (line) => env.progress('build', line) }));
    env.assertActive();
    const client = await connectToEngine();
    const labels = runLabels(options.runId, createdAt);
    const context: SpecContext = {
      runId: options.runId,
      createdAt,
      images: createImageResolver(kind),
      settings: plan.settings ?? DEFAULT_PLAN_SETTINGS,
      secrets: env.secrets,
      runLabels: labels,
    };
    const proxies = proxySpecs(plan, context);
    const proxyList = allProxySpecs(proxies);
    // Stage-2 specs only to know the images; the real ones are built once the proxies have addresses.
    const previewAddresses = new Map(proxyList.map((spec) => [spec.name, '0.0.0.0']));
    const preview = [...serviceSpecs(plan, context, proxies, previewAddresses).values()].flatMap((entry) => entry.specs);
    if (kind === 'upstream') await env.timed('pull', () => pullMissing(env, client, [...proxyList, ...preview], context));
    env.assertActive();

    const run = new DockerRun({ client, runId: options.runId, labels, artifactsDir: options.artifactsDir, redact: (line) => env.redactor.text(line) });
    env.run = run;
    const network = await env.timed('network', () => run.createNetwork());
    env.progress('network', `${network.name}: everything of this run carries the label evochat.run-id=${options.runId}`);

    const startAll = (specs: readonly ContainerSpec[]) =>
      startInDependencyOrder(
        specs.map((spec) => ({ id: spec.name, dependsOn: spec.dependsOn, spec })),
        containerCap,
        async ({ spec }) => {
          env.assertActive();
          await run.start(spec);
          env.progress('start', `${spec.name} ready`);
        },
      );

    let services = new Map<string, ServiceContainers>();
    await env.timed('start', async () => {
      await startAll(proxyList);
      const addresses = new Map<string, string>();
      for (const spec of proxyList) addresses.set(spec.name, run.handles.get(spec.name)!.container!.getIpAddress(run.network!.name));
      const probe = proxyList.find((spec) => spec.role === 'recording-proxy');
      if (probe && !(await hostReachesContainers(`http://${addresses.get(probe.name)}:${probe.exposedPorts[0]}`))) {
        env.progress('start', 'warning: this host cannot reach container addresses; data_url checks from the host will fail (Docker Desktop / remote engine)');
      }
      services = serviceSpecs(plan, context, proxies, addresses);
      for (const entry of services.values()) {
        if (entry.replacedByTwin.length > 0) env.progress('start', `${entry.service.id}: twin stands in for ${entry.replacedByTwin.map((r) => r.role).join(', ')} (not started)`);
      }
      await startAll([...services.values()].flatMap((entry) => entry.specs));
    });
    env.assertActive();

    await env.timed('bootstrap', async () => {
      const minioHostUrl = await createBuckets(env, run, services);
      collectRuntimes(env, run, proxies, services, minioHostUrl);
      await startInDependencyOrder(
        [...env.chatwoots.values()].map((runtime) => ({ id: runtime.service.id, dependsOn: [], runtime })),
        options.jobs,
        async ({ runtime }) => {
          env.assertActive();
          runtime.accounts = await signupCellAccounts({
            url: runtime.url,
            urlFromEvolution: runtime.urlFromEvolution,
            serviceId: runtime.service.id,
            cells: runtime.service.cells,
            withPtBr: runtime.service.variant === 'standard',
            runId: options.runId,
            redactor: env.redactor,
          });
          env.progress('bootstrap', `${runtime.service.id}: ${runtime.accounts.accounts.size} cell account(s)${runtime.accounts.ptBr ? ' + pt_BR' : ''}`);
        },
      );
      const accounts = accountCells([...env.chatwoots.values()].flatMap((runtime) => (runtime.accounts ? [runtime.accounts] : [])));
      const prefixes = new Map(plan.cells.map((cell) => [instancePrefixFor(cell), cell.id]));
      const exchangeSources = proxyList
        .filter((spec) => spec.role === 'recording-proxy')
        .map((spec) =>
          classifiedSource(
            createRemoteExchangeSource(spec.name, proxyHandleUrl(run, spec)),
            createCellClassifier({ accounts, instancePrefixes: prefixes, fallback: (spec.labels['evochat.cells'] ?? '').split(',').filter(Boolean) }),
          ),
        );
      const hub = new EvidenceHub({ exchangeSources, logSources: logSources(env, run), redactor: env.redactor, logMarkers: cellLogMarkers(plan.cells, accounts) });
      const served = await serveEvidenceHub(hub);
      env.setHub(hub, () => served.close());
      for (const cell of plan.cells) env.stacks.set(cell.id, buildStack(env, cell, served.cellUrl(cell.id)));

      // Image digests for the report (local builds have no RepoDigest; their image id is their digest).
      const digests = new Map<string, string>();
      for (const spec of [...proxyList, ...[...services.values()].flatMap((entry) => entry.specs)]) {
        const effective = ImageName.fromString(spec.image).string;
        if (!digests.has(effective)) digests.set(effective, await imageDigest(client, effective));
        const forService = env.imagesByService.get(spec.serviceId) ?? {};
        forService[effective] = digests.get(effective)!;
        env.imagesByService.set(spec.serviceId, forService);
      }
    });
    return env;
  } catch (error) {
    await env.stop();
    if (options.signal?.aborted || (error instanceof HarnessError && error.code === ErrorCodes.interrupted)) {
      throw new InfrastructureError(ErrorCodes.interrupted, 'interrupted while starting the docker backend; everything it had started was removed', { cause: error });
    }
    if (error instanceof HarnessError) throw error;
    throw new InfrastructureError(ErrorCodes.serviceStart, `the docker backend failed to start: ${env.redactor.text((error as Error).message)}`, { cause: error });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
