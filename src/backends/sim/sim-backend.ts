import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createRedactor, type Redactor } from '../../common/redact.ts';
import { ErrorCodes, HarnessError, InfrastructureError } from '../../errors/index.ts';
import { signupChatwootAccount } from '../../clients/chatwoot-client.ts';
import { createCellClassifier } from '../../evidence/cell-classifier.ts';
import { EvidenceHub, serveEvidenceHub, type LogSource } from '../../evidence/evidence-hub.ts';
import { createLatencyProxy, type LatencyProxy } from '../../evidence/latency-proxy.ts';
import { createLogCapture, type LogCapture } from '../../evidence/log-capture.ts';
import { createRecordingProxy, type RecordingProxy } from '../../evidence/recording-proxy.ts';
import type { CellKey, ChatwootVersion, EvolutionVersion } from '../../matrix/axes.ts';
import type { PlannedCell, PlannedService, RunPlan } from '../../matrix/plan-types.ts';
import { capabilitiesOf, instancePrefixFor } from '../../stack/build-cell-stack.ts';
import type { CellStack, ChatwootEndpoint, EvolutionEndpoint, S3Endpoint } from '../../stack/stack.ts';
import type { StartedTwin, TwinRole } from '../../twins/twin-types.ts';
import type { Backend, BackendStartOptions, CellEvidence, StartedEnvironment } from '../backend.ts';
import { reserveClosedPort } from './closed-port.ts';
import { createInProcessServiceHost, createWorkerServiceHost, type ServiceHost } from './service-host.ts';
import { startInDependencyOrder } from './start-in-order.ts';

/** Defaults when a hand-made plan has no settings (matrix.json normally provides them). */
const DEFAULT_SETTINGS = {
  chatwoot: { defaultLocale: 'en' as const },
  evolution: { language: 'en' as const, qrRefreshMs: 1000 },
  storage: { latencyMs: 6000 },
};

/** Signups allowed per IP by Chatwoot's rack-attack: 5 per 30 min (chatwoot-3.7-3.9.md §6 D). */
const SIGNUP_THROTTLE = 5;
const S3_REGION = 'us-east-1';
/** Cap of log lines per service in a cell's evidence (the full log is on disk). */
const LOG_EXCERPT_LINES = 2000;

function secret(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

function slug(text: string): string {
  return text.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
}

interface S3Runtime {
  twin: StartedTwin;
  accessKeyId: string;
  secretAccessKey: string;
}

interface ChatwootRuntime {
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
  /** This Chatwoot's account id → cells (for attributing its exchanges). */
  accountCells: Map<number, string[]>;
}

interface EvolutionRuntime {
  service: PlannedService;
  version: EvolutionVersion;
  front: RecordingProxy;
  twin: StartedTwin | undefined;
  serverUrl: string;
  apiKey: string;
  log: LogCapture;
}

/** Everything the sim environment owns, closed in reverse order by stop(). */
class SimResources {
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
const HOST_NAMES = ['chatwoot', 'evolution', 's3'] as const;
type HostName = (typeof HOST_NAMES)[number];

function hostFor(role: TwinRole): HostName {
  return role === 'chatwoot' ? 'chatwoot' : role === 'evolution' ? 'evolution' : 's3';
}

function hostsNeeded(plan: RunPlan): HostName[] {
  const needed = new Set<HostName>();
  for (const service of plan.services) {
    if (service.kind === 'chatwoot' || service.kind === 'evolution' || service.kind === 's3') needed.add(hostFor(service.kind));
  }
  return HOST_NAMES.filter((name) => needed.has(name));
}

class SimEnvironment implements StartedEnvironment {
  readonly backend = 'sim' as const;
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

  constructor(
    readonly plan: RunPlan,
    readonly options: BackendStartOptions,
  ) {}

  startTwin(role: TwinRole, env: Record<string, string | undefined>, log: LogCapture): Promise<StartedTwin> {
    const host = this.hosts.get(hostFor(role));
    if (!host) throw new InfrastructureError(ErrorCodes.internal, 'the sim backend has no service host');
    return host.start(role, { env, log });
  }

  private proxyCapture: LogCapture | undefined;

  /** One log for every recording proxy's own messages (transport failures it passed through). */
  proxyLog(): LogCapture {
    this.proxyCapture ??= this.captureFor('proxies', this.plan.cells.map((cell) => cell.id));
    return this.proxyCapture;
  }

  captureFor(name: string, cells: readonly string[]): LogCapture {
    const capture = createLogCapture({ service: name, file: join(this.options.artifactsDir, 'services', `${name}.log`) });
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

  private readonly redactedLogs = new Map<string, { lines: number; text: string }>();

  /** A service's whole log, redacted; computed once per service however many cells share it. */
  private redactedLog(name: string, capture: LogCapture): string {
    const lines = capture.lines();
    const cached = this.redactedLogs.get(name);
    if (cached && cached.lines === lines.length) return cached.text;
    const text = lines.length === 0 ? '' : `${this.redactor.text(lines.join('\n'))}\n`;
    this.redactedLogs.set(name, { lines: lines.length, text });
    return text;
  }

  imagesFor(cellId: string): Record<string, string> {
    const cell = this.plan.cells.find((candidate) => candidate.id === cellId);
    if (!cell) return {};
    return {
      chatwoot: `chatwoot twin ${cell.chatwoot} (sim)`,
      evolution: `evolution twin ${cell.evolution} (sim)`,
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

function checkAborted(options: BackendStartOptions): void {
  if (options.signal?.aborted) throw new InfrastructureError(ErrorCodes.interrupted, 'interrupted while starting the sim backend');
}

async function startService(env: SimEnvironment, service: PlannedService): Promise<void> {
  const settings = env.plan.settings ?? DEFAULT_SETTINGS;
  const { artifactsDir } = env.options;
  switch (service.kind) {
    case 's3': {
      const accessKeyId = secret('evochat');
      const secretAccessKey = secret('s3secret-');
      env.redactor.add(secretAccessKey);
      const log = env.captureFor(service.id, service.cells);
      const twin = await env.startTwin('s3', { MINIO_ROOT_USER: accessKeyId, MINIO_ROOT_PASSWORD: secretAccessKey }, log);
      env.resources.add(service.id, () => twin.close());
      env.s3 = { twin, accessKeyId, secretAccessKey };
      env.servicesStarted += 1;
      return;
    }
    case 'storage-latency-proxy': {
      if (!env.s3) throw new InfrastructureError(ErrorCodes.serviceStart, `${service.id} needs the s3 service`);
      const log = env.captureFor(service.id, service.cells);
      const latency = await createLatencyProxy({ upstream: env.s3.twin.url, log });
      env.resources.add(service.id, () => latency.close());
      env.latency = latency;
      env.servicesStarted += 1;
      return;
    }
    case 'chatwoot':
      return startChatwoot(env, service, settings);
    case 'evolution':
      return startEvolution(env, service, settings);
  }
}

/**
 * Account ids are per Chatwoot, so each Chatwoot's proxies classify with that Chatwoot's own account map
 * (filled during bootstrap and read live); Evolution-side proxies go by instance names only.
 */
function proxyClassifier(env: SimEnvironment, fallback: readonly string[], accounts: ReadonlyMap<number, readonly string[]>) {
  const prefixes = new Map(env.plan.cells.map((cell) => [instancePrefixFor(cell), cell.id]));
  return createCellClassifier({ accounts, instancePrefixes: prefixes, fallback });
}

async function recordingProxy(
  env: SimEnvironment,
  link: string,
  idPrefix: string,
  cells: readonly string[],
  accounts: ReadonlyMap<number, readonly string[]>,
  upstream?: string,
): Promise<RecordingProxy> {
  const proxy = await createRecordingProxy({ upstream, link, redactor: env.redactor, classify: proxyClassifier(env, cells, accounts), idPrefix, log: env.proxyLog() });
  env.resources.add(`proxy ${idPrefix}`, () => proxy.close());
  env.proxies.push(proxy);
  return proxy;
}

async function startChatwoot(env: SimEnvironment, service: PlannedService, settings: NonNullable<RunPlan['settings']> | typeof DEFAULT_SETTINGS): Promise<void> {
  const version = service.version as ChatwootVersion;
  const minio = service.storage === 'minio';
  const id = slug(service.id);
  const accountCells = new Map<number, string[]>();
  const front = await recordingProxy(env, 'evolution->chatwoot', `${id}-front`, service.cells, accountCells);
  const log = env.captureFor(service.id, service.cells);
  const runtime: ChatwootRuntime = {
    service,
    version,
    front,
    storageProxy: undefined,
    twin: undefined,
    s3: undefined,
    log,
    accounts: new Map(),
    accountCells,
    ptBr: undefined,
    defaultLocale: settings.chatwoot.defaultLocale,
  };

  const twinEnv: Record<string, string> = {
    TWIN_VERSION: version,
    RAILS_ENV: 'production',
    FRONTEND_URL: front.url,
    DEFAULT_LOCALE: settings.chatwoot.defaultLocale,
    ENABLE_ACCOUNT_SIGNUP: 'true',
    SECRET_KEY_BASE: secret('skb'),
    ACTIVE_STORAGE_SERVICE: minio ? 's3_compatible' : 'local',
  };
  env.redactor.add(twinEnv.SECRET_KEY_BASE);
  // One account per cell plus one shared pt_BR account: within rack-attack's signup throttle, so it stays on
  // as upstream has it; only a Chatwoot shared by more cells than the throttle allows gets it switched off.
  const signups = service.cells.length + (service.variant === 'standard' ? 1 : 0);
  if (signups > SIGNUP_THROTTLE) twinEnv.ENABLE_RACK_ATTACK = 'false';

  if (minio) {
    if (!env.s3) throw new InfrastructureError(ErrorCodes.serviceStart, `${service.id} needs the s3 service`);
    const bucket = `chatwoot-${id}`.slice(0, 63);
    const s3Client = new S3Client({
      endpoint: env.s3.twin.url,
      region: S3_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: env.s3.accessKeyId, secretAccessKey: env.s3.secretAccessKey },
    });
    try {
      // Chatwoot does not create its bucket (NoSuchBucket otherwise); the harness does, as with real MinIO.
      await s3Client.send(new CreateBucketCommand({ Bucket: bucket }));
    } finally {
      s3Client.destroy();
    }
    const slow = service.variant === 'slow-storage';
    if (slow && !env.latency) throw new InfrastructureError(ErrorCodes.serviceStart, `${service.id} needs the storage latency proxy`);
    const storageUpstream = slow ? env.latency!.url : env.s3.twin.url;
    const storageProxy = await recordingProxy(env, 'chatwoot->storage', `${id}-storage`, service.cells, accountCells, storageUpstream);
    runtime.storageProxy = storageProxy;
    runtime.s3 = {
      endpoint: env.s3.twin.url,
      endpointFromChatwoot: storageProxy.url,
      bucket,
      region: S3_REGION,
      accessKeyId: env.s3.accessKeyId,
      secretAccessKey: env.s3.secretAccessKey,
      forcePathStyle: true,
    };
    Object.assign(twinEnv, {
      STORAGE_BUCKET_NAME: bucket,
      STORAGE_ACCESS_KEY_ID: env.s3.accessKeyId,
      STORAGE_SECRET_ACCESS_KEY: env.s3.secretAccessKey,
      STORAGE_REGION: S3_REGION,
      STORAGE_ENDPOINT: storageProxy.url,
      STORAGE_FORCE_PATH_STYLE: 'true',
    });
  }

  const twin = await env.startTwin('chatwoot', twinEnv, log);
  env.resources.add(service.id, () => twin.close());
  front.setUpstream(twin.url);
  runtime.twin = twin;
  env.chatwoots.set(service.id, runtime);
  env.servicesStarted += 1;
}

async function startEvolution(env: SimEnvironment, service: PlannedService, settings: NonNullable<RunPlan['settings']> | typeof DEFAULT_SETTINGS): Promise<void> {
  const version = service.version as EvolutionVersion;
  const id = slug(service.id);
  const front = await recordingProxy(env, 'chatwoot->evolution', `${id}-front`, service.cells, new Map());
  let serverUrl: string;
  switch (service.variant) {
    case 'trailing-slash-server-url':
      serverUrl = `${front.url}/`;
      break;
    case 'unreachable-server-url':
      // Nothing listens there, so Chatwoot's webhook fails to connect exactly as it would without a proxy.
      serverUrl = `http://127.0.0.1:${await reserveClosedPort()}`;
      break;
    default:
      serverUrl = front.url;
  }
  const apiKey = secret('evokey');
  env.redactor.add(apiKey);
  const log = env.captureFor(service.id, service.cells);
  const twin = await env.startTwin(
    'evolution',
    {
      TWIN_VERSION: version,
      SERVER_URL: serverUrl,
      AUTHENTICATION_TYPE: 'apikey',
      AUTHENTICATION_API_KEY: apiKey,
      LANGUAGE: settings.evolution.language,
      LOG_COLOR: 'true',
      TWIN_QR_REFRESH_MS: String(settings.evolution.qrRefreshMs),
    },
    log,
  );
  env.resources.add(service.id, () => twin.close());
  front.setUpstream(twin.url);
  env.evolutions.set(service.id, { service, version, front, twin, serverUrl, apiKey, log });
  env.servicesStarted += 1;
}

async function bootstrapChatwoot(env: SimEnvironment, runtime: ChatwootRuntime, runId: string): Promise<void> {
  const url = runtime.front.url;
  const signup = async (label: string, locale: 'en' | 'pt_BR'): Promise<ChatwootEndpoint> => {
    const password = `Evo#${randomBytes(6).toString('hex')}a1`;
    env.redactor.add(password);
    const tag = slug(`${runId}-${runtime.service.id}-${label}`);
    try {
      const session = await signupChatwootAccount(
        url,
        { accountName: `evochat ${label}`, email: `${tag}@evochat.test`, password, userName: `evochat ${label}`, locale },
        env.redactor,
      );
      return { url, urlFromEvolution: url, accountId: session.accountId, token: session.token, locale, defaultLocale: runtime.defaultLocale };
    } catch (error) {
      throw new InfrastructureError(ErrorCodes.bootstrap, `could not sign up a ${locale} account on ${runtime.service.id}: ${env.redactor.text(error instanceof Error ? error.message : String(error))}`, { cause: error });
    }
  };
  for (const cellId of runtime.service.cells) {
    const endpoint = await signup(cellId, 'en');
    runtime.accounts.set(cellId, endpoint);
    runtime.accountCells.set(endpoint.accountId, [cellId]);
  }
  if (runtime.service.variant === 'standard') {
    runtime.ptBr = await signup('pt-br', 'pt_BR');
    runtime.accountCells.set(runtime.ptBr.accountId, [...runtime.service.cells]);
  }
}

function evolutionEndpoint(runtime: EvolutionRuntime | undefined): EvolutionEndpoint | undefined {
  if (!runtime) return undefined;
  return { url: runtime.front.url, apiKey: runtime.apiKey, serverUrl: runtime.serverUrl, version: runtime.version };
}

function serviceFor<T extends { service: PlannedService }>(map: Map<string, T>, cellId: string, match: (service: PlannedService) => boolean): T | undefined {
  return [...map.values()].find((runtime) => runtime.service.cells.includes(cellId) && match(runtime.service));
}

function buildStack(env: SimEnvironment, cell: PlannedCell, evidenceUrl: string): CellStack {
  const key: CellKey = { chatwoot: cell.chatwoot, evolution: cell.evolution, storage: cell.storage };
  const chatwoot = serviceFor(env.chatwoots, cell.id, (s) => s.variant === 'standard' && s.version === cell.chatwoot && s.storage === cell.storage);
  const evolution = serviceFor(env.evolutions, cell.id, (s) => s.variant === 'standard' && s.version === cell.evolution);
  if (!chatwoot || !evolution || !evolution.twin) {
    throw new InfrastructureError(ErrorCodes.bootstrap, `the plan gives cell ${cell.id} no standard Chatwoot or Evolution`);
  }
  const account = chatwoot.accounts.get(cell.id);
  if (!account) throw new InfrastructureError(ErrorCodes.bootstrap, `no Chatwoot account was created for cell ${cell.id}`);
  const slow = serviceFor(env.chatwoots, cell.id, (s) => s.variant === 'slow-storage' && s.version === cell.chatwoot);
  const slowAccount = slow?.accounts.get(cell.id);
  const latencyMs = (env.plan.settings ?? DEFAULT_SETTINGS).storage.latencyMs;
  const slowStorage =
    slow && slowAccount && slow.s3 && env.latency ? { chatwoot: slowAccount, s3: slow.s3, latencyControlUrl: env.latency.controlUrl, latencyMs } : undefined;

  return {
    cellId: cell.id,
    backend: 'sim',
    images: undefined,
    chatwootVersion: cell.chatwoot,
    evolutionVersion: cell.evolution,
    storage: cell.storage,
    capabilities: capabilitiesOf({
      evidence: true,
      writes: true,
      whatsappPeer: true,
      s3Inspect: cell.storage === 'minio' && chatwoot.s3 !== undefined,
      storageLatency: slowStorage !== undefined,
    }),
    chatwoot: account,
    chatwootPtBr: chatwoot.ptBr,
    evolution: evolutionEndpoint(evolution)!,
    instancePrefix: instancePrefixFor(key),
    s3: chatwoot.s3,
    whatsappControlUrl: `${evolution.twin.url}/__twin/whatsapp`,
    evidenceUrl,
    evolutionSideProbeUrl: evolution.front.url,
    faults: {
      trailingSlashEvolution: evolutionEndpoint(serviceFor(env.evolutions, cell.id, (s) => s.variant === 'trailing-slash-server-url' && s.version === cell.evolution)),
      unreachableEvolution: evolutionEndpoint(serviceFor(env.evolutions, cell.id, (s) => s.variant === 'unreachable-server-url' && s.version === cell.evolution)),
      slowStorage,
    },
  };
}

async function timed(env: SimEnvironment, phase: string, work: () => Promise<void>): Promise<void> {
  const started = performance.now();
  try {
    await work();
  } finally {
    env.phases[phase] = Math.round((env.phases[phase] ?? 0) + performance.now() - started);
  }
}

/**
 * The sim backend: every planned service runs in this process on a loopback port, as a twin, with a
 * recording proxy on each link (Evolution → Chatwoot, Chatwoot → Evolution, Chatwoot → storage) and a
 * log capture per service. Cells get their own Chatwoot account and instance prefix on shared services.
 */
export interface SimBackendOptions {
  /**
   * `threads` (default): twins run in worker threads (see HOST_NAMES), so they use other cores than
   * the proxies, the evidence hub and vitest. `in-process`: everything in this thread.
   */
  serviceHosts?: 'threads' | 'in-process';
}

export function createSimBackend(backendOptions: SimBackendOptions = {}): Backend {
  return {
    name: 'sim',
    async start(plan: RunPlan, options: BackendStartOptions): Promise<StartedEnvironment> {
      // The AWS SDK (used by the S3 stand-in's clients) warns once per thread that its 2027 releases will
      // need Node 22; on Node 20 that is noise in every run's output. An explicit setting wins.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const env = new SimEnvironment(plan, options);
      const progress = (phase: string, message: string) => options.onProgress?.({ phase, message });
      try {
        await mkdir(options.artifactsDir, { recursive: true });
        await timed(env, 'hosts', async () => {
          const names = hostsNeeded(plan);
          const hosts =
            backendOptions.serviceHosts === 'in-process'
              ? names.map(() => createInProcessServiceHost())
              : await Promise.all(names.map((name) => createWorkerServiceHost(name)));
          names.forEach((name, index) => {
            const host = hosts[index]!;
            env.hosts.set(name, host);
            env.resources.add(`service host ${name}`, () => host.close());
          });
        });
        await timed(env, 'start', () =>
          startInDependencyOrder(plan.services, options.jobs, async (service) => {
            checkAborted(options);
            try {
              await startService(env, service);
            } catch (error) {
              if (error instanceof HarnessError) throw error;
              throw new InfrastructureError(ErrorCodes.serviceStart, `could not start ${service.id}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
            }
            progress('start', `${service.id} up`);
          }),
        );
        checkAborted(options);
        await timed(env, 'bootstrap', () =>
          startInDependencyOrder(
            [...env.chatwoots.values()].map((runtime) => ({ id: runtime.service.id, dependsOn: [], runtime })),
            options.jobs,
            async ({ runtime }) => {
              await bootstrapChatwoot(env, runtime, options.runId);
              progress('bootstrap', `${runtime.service.id}: ${runtime.accounts.size} cell account(s)${runtime.ptBr ? ' + pt_BR' : ''}`);
            },
          ),
        );
        checkAborted(options);
        await timed(env, 'evidence', async () => {
          const markers = new Map<string, string[]>();
          for (const cell of plan.cells) markers.set(cell.id, [instancePrefixFor(cell)]);
          for (const runtime of env.chatwoots.values()) {
            for (const [accountId, cells] of runtime.accountCells) for (const cellId of cells) markers.get(cellId)?.push(`/accounts/${accountId}/`);
          }
          const logSources: LogSource[] = [...env.captures.values()].map(({ capture, cells }) => ({ service: capture.service, cells, entries: (filter) => capture.entries(filter) }));
          env.hub = new EvidenceHub({
            exchangeSources: env.proxies.map((proxy, index) => ({ name: `${proxy.link}#${index}`, list: (filter) => proxy.recorded(filter) })),
            logSources,
            redactor: env.redactor,
            logMarkers: markers,
          });
          const served = await serveEvidenceHub(env.hub);
          env.resources.add('evidence hub', () => served.close());
          for (const cell of plan.cells) env.stacks.set(cell.id, buildStack(env, cell, served.cellUrl(cell.id)));
        });
        return env;
      } catch (error) {
        await env.stop();
        throw error;
      }
    },
  };
}
