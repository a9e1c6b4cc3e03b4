import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ErrorCodes, InfrastructureError } from '../../errors/index.ts';
import { provisionCellAccounts } from '../shared/cell-accounts.ts';
import { createCellClassifier } from '../../evidence/cell-classifier.ts';
import { createLatencyProxy } from '../../evidence/latency-proxy.ts';
import { createRecordingProxy, type RecordingProxy, type RecordingProxyOptions } from '../../evidence/recording-proxy.ts';
import type { ChatwootVersion, EvolutionVersion } from '../../model/axes.ts';
import { chatwootProfile, privateNetworkOptOut } from '../../model/chatwoot-profiles.ts';
import type { PlannedService } from '../../matrix/plan-types.ts';
import type { Exchange } from '../../model/result-schema.ts';
import { reserveClosedPort } from '../../common/closed-port.ts';
import { evolutionGenerationEnv, probeDatabaseUnreachable } from './evolution-generation-env.ts';
import { DEFAULT_SETTINGS, secret, slug, type ChatwootRuntime, type SimEnvironment, type SimSettings } from './sim-environment.ts';

const S3_REGION = 'us-east-1';

/** Starts one planned service (its twin and the proxies on its links). */
export async function startService(env: SimEnvironment, service: PlannedService): Promise<void> {
  const settings = env.plan.settings ?? DEFAULT_SETTINGS;
  switch (service.kind) {
    case 's3': {
      const accessKeyId = secret('evochat');
      const secretAccessKey = secret('s3secret-');
      // The access key id too: with the secret it signs S3 requests, and it names the key in every signed URL.
      env.redactor.add(accessKeyId);
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
  const prefixes = new Map(env.plan.cells.map((cell) => [env.instancePrefix(cell), cell.id]));
  return createCellClassifier({ accounts, instancePrefixes: prefixes, fallback });
}

async function recordingProxy(
  env: SimEnvironment,
  link: string,
  idPrefix: string,
  cells: readonly string[],
  accounts: ReadonlyMap<number, readonly string[]>,
  options: Pick<RecordingProxyOptions, 'upstream' | 'host' | 'originHost' | 'onExchange' | 'upstreamKeepsIdleConnections'> = { upstream: undefined },
): Promise<RecordingProxy> {
  const proxy = await createRecordingProxy({
    ...options,
    link,
    redactor: env.redactor,
    classify: proxyClassifier(env, cells, accounts),
    idPrefix,
    log: env.proxyLog(),
  });
  env.resources.add(`proxy ${idPrefix}`, () => proxy.close());
  env.proxies.push(proxy);
  return proxy;
}

/** The attach backend's Chatwoot: no twin, the recording proxy forwards to the attached server, its PlatformApp token provisions. */
async function attachChatwoot(env: SimEnvironment, service: PlannedService, settings: SimSettings): Promise<void> {
  const attached = env.attached!.chatwoot;
  if (service.variant !== 'standard' || service.storage !== 'local') {
    throw new InfrastructureError(ErrorCodes.internal, `the attach backend cannot provide ${service.id}: only the standard local Chatwoot is attached`);
  }
  const accountCells = new Map<number, string[]>();
  // Someone else's server: it gets its own Host header (its virtual host, the name its certificate carries), not the proxy's.
  // An attached Evolution calls it from its own machine: then the proxy listens where --advertise-host points.
  const host = env.attached?.evolution ? env.bindHost : undefined;
  const front = await recordingProxy(env, 'evolution->chatwoot', `${slug(service.id)}-front`, service.cells, accountCells, {
    upstream: attached.url,
    host,
    originHost: true,
  });
  env.redactor.add(attached.platformToken);
  env.chatwoots.set(service.id, {
    service,
    version: attached.profile,
    front,
    storageProxy: undefined,
    twin: undefined,
    s3: undefined,
    log: env.captureFor(service.id, service.cells),
    accounts: new Map(),
    accountCells,
    ptBr: undefined,
    // The attached server's DEFAULT_LOCALE is its own; the matrix setting is the harness's best knowledge of it.
    defaultLocale: settings.chatwoot.defaultLocale,
    platformToken: attached.platformToken,
  });
}

async function startChatwoot(env: SimEnvironment, service: PlannedService, settings: SimSettings): Promise<void> {
  if (env.attached) return attachChatwoot(env, service, settings);
  const version = service.version as ChatwootVersion;
  const minio = service.storage === 'minio';
  const id = slug(service.id);
  const accountCells = new Map<number, string[]>();
  const front = await recordingProxy(env, 'evolution->chatwoot', `${id}-front`, service.cells, accountCells, {
    upstream: undefined,
    upstreamKeepsIdleConnections: true,
  });
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
    platformToken: secret('platform'),
  };
  env.redactor.add(runtime.platformToken);

  const twinEnv: Record<string, string> = {
    TWIN_VERSION: version,
    RAILS_ENV: 'production',
    FRONTEND_URL: front.url,
    DEFAULT_LOCALE: settings.chatwoot.defaultLocale,
    // The PlatformApp a super admin would create once (chatwoot-3.7-3.9.md §6 B): cell accounts come from it, not from signup.
    TWIN_PLATFORM_TOKEN: runtime.platformToken,
    SECRET_KEY_BASE: secret('skb'),
    ACTIVE_STORAGE_SERVICE: minio ? 's3_compatible' : 'local',
    // The harness's network is loopback: without the 4.14.1+ opt-out every webhook would be refused (chatwoot-3.10-4.x.md grid).
    ...(service.variant === 'private-network-refusal' ? {} : privateNetworkOptOut(chatwootProfile(version))),
  };
  env.redactor.add(twinEnv.SECRET_KEY_BASE);

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
    const storageProxy = await recordingProxy(env, 'chatwoot->storage', `${id}-storage`, service.cells, accountCells, { upstream: storageUpstream });
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

/** The instance name of a created instance, from the recorded `POST /instance/create` (201, or 200 on some 2.x paths). */
function createdInstance(exchange: Exchange): string | undefined {
  if (exchange.request.method !== 'POST' || !exchange.request.url.startsWith('/instance/create')) return undefined;
  const status = exchange.response?.status;
  if (status === undefined || status < 200 || status >= 300) return undefined;
  try {
    const name = (JSON.parse(exchange.request.body ?? '') as { instanceName?: unknown }).instanceName;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `--evolution-url`: no twin; a recording proxy in front of the running Evolution for the harness's calls, every instance
 * created through it ledgered (deleted at the end). Its SERVER_URL is its own: the preflight reads it (attach-preflight.ts).
 */
async function attachEvolution(env: SimEnvironment, service: PlannedService): Promise<void> {
  const session = env.attached!;
  const attached = session.evolution!;
  const onExchange = (exchange: Exchange) => {
    const name = createdInstance(exchange);
    if (name !== undefined) session.recordInstance(name);
  };
  const front = await recordingProxy(env, 'chatwoot->evolution', `${slug(service.id)}-front`, service.cells, new Map(), {
    upstream: attached.url,
    originHost: true,
    onExchange,
  });
  env.redactor.add(attached.apiKey);
  env.evolutions.set(service.id, {
    service,
    version: attached.version,
    front,
    twin: undefined,
    serverUrl: attached.url,
    apiKey: attached.apiKey,
    log: env.captureFor(service.id, service.cells),
  });
}

async function startEvolution(env: SimEnvironment, service: PlannedService, settings: SimSettings): Promise<void> {
  if (env.attached?.evolution) {
    if (service.variant !== 'standard')
      throw new InfrastructureError(ErrorCodes.internal, `the attach backend cannot provide ${service.id}: only the attached Evolution`);
    return attachEvolution(env, service);
  }
  const version = service.version as EvolutionVersion;
  const id = slug(service.id);
  const front = await recordingProxy(env, 'chatwoot->evolution', `${id}-front`, service.cells, new Map(), {
    upstream: undefined,
    host: env.bindHost,
    upstreamKeepsIdleConnections: true,
  });
  // What the attached Chatwoot is told to call (--advertise-host); the proxy listens there too (attach-session.ts).
  const advertised = env.attached?.chatwoot.advertiseHost;
  const frontUrl = advertised ? `http://${advertised}:${front.port}` : front.url;
  let serverUrl: string;
  switch (service.variant) {
    case 'trailing-slash-server-url':
      serverUrl = `${frontUrl}/`;
      break;
    case 'unreachable-server-url':
      // Nothing listens there, so Chatwoot's webhook fails to connect exactly as it would without a proxy.
      serverUrl = `http://127.0.0.1:${await reserveClosedPort()}`;
      break;
    case 'standard':
    case 'slow-storage':
    case 'private-network-refusal':
    case 'chatwoot-disabled':
    case 'redis-unreachable':
    case 'database-unreachable':
    case 'baked-import-uri':
    case 'slow-media-store':
      serverUrl = frontUrl;
  }
  const apiKey = secret('evokey');
  env.redactor.add(apiKey);
  if (service.variant === 'database-unreachable') {
    return probeDatabaseUnreachable(env, service, {
      TWIN_VERSION: version,
      SERVER_URL: serverUrl,
      AUTHENTICATION_API_KEY: apiKey,
      ...(await evolutionGenerationEnv(env, service)),
    });
  }
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
      ...(await evolutionGenerationEnv(env, service)),
    },
    log,
  );
  env.resources.add(service.id, () => twin.close());
  front.setUpstream(twin.url);
  env.evolutions.set(service.id, { service, version, front, twin, serverUrl, apiKey, log });
  env.servicesStarted += 1;
}

/** Provisions each cell's account (and the shared pt_BR one) on a started Chatwoot, through its Platform API. */
export async function bootstrapChatwoot(env: SimEnvironment, runtime: ChatwootRuntime, runId: string): Promise<void> {
  const url = runtime.front.url;
  // An attached Evolution reaches this machine at --advertise-host (the proxy listens there: attachChatwoot).
  const advertised = env.attached?.evolution ? env.attached.chatwoot.advertiseHost : undefined;
  const provisioned = await provisionCellAccounts({
    url,
    urlFromEvolution: advertised ? `http://${advertised}:${runtime.front.port}` : url,
    serviceId: runtime.service.id,
    cells: runtime.service.cells,
    withPtBr: runtime.service.variant === 'standard',
    runId,
    redactor: env.redactor,
    platformToken: runtime.platformToken,
    defaultLocale: runtime.defaultLocale,
    ...(env.attached ? { onCreated: (kind: 'account' | 'user', id: number, label: string) => env.attached!.record(kind, id, label) } : {}),
  });
  env.resources.add(`accounts of ${runtime.service.id}`, () => provisioned.remove());
  for (const [cellId, endpoint] of provisioned.accounts) {
    runtime.accounts.set(cellId, endpoint);
    runtime.accountCells.set(endpoint.accountId, [cellId]);
  }
  if (provisioned.ptBr) {
    runtime.ptBr = provisioned.ptBr;
    runtime.accountCells.set(provisioned.ptBr.accountId, [...runtime.service.cells]);
  }
}
