/**
 * From a RunPlan to container specs, in two stages:
 * 1. proxies (`proxySpecs`): a recording proxy in front of each Chatwoot and Evolution, answering on the service's
 *    DNS alias and port, and one between each Chatwoot on minio and its store, so every link (Evolution → Chatwoot,
 *    Chatwoot → Evolution, Chatwoot → storage) is recorded exactly as on the sim backend; the storage-latency-proxy
 *    service is a latency proxy. They resolve their upstream per request, so they start first, with no dependencies.
 * 2. the services behind them (`serviceSpecs`), wired with the proxies' addresses: FRONTEND_URL and
 *    STORAGE_ENDPOINT use the proxy's container IP, because a data_url and its presigned redirect must
 *    be reachable both from Evolution's container and from the host (the host reaches bridge-network container
 *    IPs on Linux; names on the run network resolve only inside it).
 */
import type { PlannedService, RunPlan } from '../../../matrix/plan-types.ts';
import type { ContainerSpec } from './container-spec.ts';
import { dnsLabel } from './container-spec.ts';
import { CHATWOOT_PORT, chatwootSpecs, type ChatwootContainers, type ChatwootStorageWiring } from './chatwoot-specs.ts';
import { EVOLUTION_PORT, evolutionSpecs } from './evolution-spec.ts';
import { MINIO_PORT, minioSpec } from './minio-spec.ts';
import { proxySpec } from './proxy-spec.ts';
import type { SpecContext } from './spec-context.ts';

/** Region Chatwoot signs with; MinIO and the S3 twin accept any. */
export const S3_REGION = 'us-east-1';

/**
 * SERVER_URL of the unreachable-server-url variant: the Evolution image's own default (evolution-api-1.7.md §1.2),
 * the classic mistake: from Chatwoot's container, localhost is Chatwoot itself, where nothing listens on 8080.
 */
export const UNREACHABLE_SERVER_URL = 'http://localhost:8080';

/** Links the recording proxies label their exchanges with (SCENARIOS.md "Evidence"). */
export const LINKS = {
  toChatwoot: 'evolution->chatwoot',
  toEvolution: 'chatwoot->evolution',
  toStorage: 'chatwoot->storage',
} as const;

export function serviceAlias(service: Pick<PlannedService, 'id'>): string {
  return dnsLabel(service.id);
}

/** Bucket of a Chatwoot on minio: one per Chatwoot service, in the one shared object store. */
export function bucketFor(service: Pick<PlannedService, 'id'>): string {
  return dnsLabel(service.id).slice(0, 63);
}

export function frontPort(service: PlannedService): number {
  switch (service.kind) {
    case 'chatwoot':
      return CHATWOOT_PORT;
    case 'evolution':
      return EVOLUTION_PORT;
    case 's3':
    case 'storage-latency-proxy':
      return MINIO_PORT;
  }
}

function findService(plan: RunPlan, id: string): PlannedService {
  const service = plan.services.find((candidate) => candidate.id === id);
  if (!service) throw new Error(`plan: service ${id} is referenced but not planned`);
  return service;
}

/** The proxies of one planned service (stage 1). */
export interface ServiceProxies {
  /** In front of the service, answering on its alias: Chatwoot and Evolution (recording), the latency proxy. */
  front: ContainerSpec | undefined;
  /** Chatwoot on minio: between it and its object store (recording, chatwoot->storage); STORAGE_ENDPOINT points here. */
  storage: ContainerSpec | undefined;
}

/** Stage 1: every proxy of the plan, keyed by service id (the layout of the sim backend's in-process proxies). */
export function proxySpecs(plan: RunPlan, context: SpecContext): Map<string, ServiceProxies> {
  const proxies = new Map<string, ServiceProxies>();
  for (const service of plan.services) {
    const alias = serviceAlias(service);
    const port = frontPort(service);
    const common = { serviceId: service.id, cells: service.cells, name: `${alias}-proxy`, aliases: [alias], port };
    // The Chatwoot and Evolution twins never close an idle connection (serve-app.ts); Puma and Express do.
    const upstreamIsTwin = context.images.kind === 'twin';
    switch (service.kind) {
      case 'chatwoot': {
        const front = proxySpec(
          { ...common, kind: 'record', link: LINKS.toChatwoot, upstream: `http://${alias}-rails:${CHATWOOT_PORT}`, upstreamIsTwin },
          context,
        );
        let storage: ContainerSpec | undefined;
        if (service.storage === 'minio') {
          // The object store itself, or the latency proxy in front of it (slow-storage variant).
          const store = findService(plan, service.dependsOn[0] ?? '');
          storage = proxySpec(
            {
              ...common,
              name: `${alias}-storage-proxy`,
              aliases: [`${alias}-storage`],
              port: MINIO_PORT,
              kind: 'record',
              link: LINKS.toStorage,
              upstream: store.kind === 's3' ? `http://${serviceAlias(store)}-minio:${MINIO_PORT}` : `http://${serviceAlias(store)}:${MINIO_PORT}`,
            },
            context,
          );
        }
        proxies.set(service.id, { front, storage });
        break;
      }
      case 'evolution':
        proxies.set(service.id, {
          front: proxySpec({ ...common, kind: 'record', link: LINKS.toEvolution, upstream: `http://${alias}-app:${EVOLUTION_PORT}`, upstreamIsTwin }, context),
          storage: undefined,
        });
        break;
      case 's3':
        // Recorded per Chatwoot (its storage proxy), as on the sim backend; the store itself has no proxy.
        proxies.set(service.id, { front: undefined, storage: undefined });
        break;
      case 'storage-latency-proxy': {
        const store = findService(plan, service.dependsOn[0] ?? '');
        proxies.set(service.id, {
          front: proxySpec({ ...common, kind: 'latency', upstream: `http://${serviceAlias(store)}-minio:${MINIO_PORT}`, delayMs: 0 }, context),
          storage: undefined,
        });
        break;
      }
    }
  }
  return proxies;
}

/** The object store a Chatwoot on minio uses: its dependency, or the latency proxy's (slow-storage variant). */
export function storeServiceOf(plan: RunPlan, service: PlannedService): PlannedService | undefined {
  if (service.kind !== 'chatwoot' || service.storage !== 'minio') return undefined;
  const direct = findService(plan, service.dependsOn[0] ?? '');
  return direct.kind === 's3' ? direct : findService(plan, direct.dependsOn[0] ?? '');
}

/** Every proxy spec of stage 1, flat. */
export function allProxySpecs(proxies: ReadonlyMap<string, ServiceProxies>): ContainerSpec[] {
  return [...proxies.values()].flatMap((entry) => [entry.front, entry.storage].filter((spec): spec is ContainerSpec => spec !== undefined));
}

/** Container IP of each proxy, by spec name: reachable from the host and from every container of the run. */
export type ProxyAddresses = ReadonlyMap<string, string>;

export interface ServiceContainers {
  service: PlannedService;
  /** Containers behind the front, in start order (dependencies first). */
  specs: ContainerSpec[];
  /** The container the service's readiness is judged by (rails, Evolution, MinIO); undefined for the latency proxy. */
  main: ContainerSpec | undefined;
  replacedByTwin: ChatwootContainers['replacedByTwin'];
  /** chatwoot: FRONTEND_URL; evolution: SERVER_URL; s3: the in-network endpoint of the store. */
  url: string | undefined;
  /** chatwoot on minio: STORAGE_ENDPOINT. */
  storageEndpoint: string | undefined;
  /** chatwoot on minio: the bucket it uses. */
  bucket: string | undefined;
}

function proxyUrl(spec: ContainerSpec | undefined, addresses: ProxyAddresses): string {
  const address = spec && addresses.get(spec.name);
  if (spec === undefined || address === undefined) throw new Error(`no address for proxy ${spec?.name ?? '(none)'}`);
  return `http://${address}:${spec.exposedPorts[0]}`;
}

function evolutionServerUrl(service: PlannedService): string {
  const base = `http://${serviceAlias(service)}:${EVOLUTION_PORT}`;
  switch (service.variant) {
    case 'trailing-slash-server-url':
      // webhook_url = SERVER_URL + '/chatwoot/webhook/…' → '//chatwoot/webhook/…' (evolution-api-1.7.md "[ran]").
      return `${base}/`;
    case 'unreachable-server-url':
      return UNREACHABLE_SERVER_URL;
    // Evolution 2.x's own faults keep a reachable SERVER_URL (evolution-faults, evolution-spec.ts evolution2FaultEnv).
    case 'standard':
    case 'slow-storage':
    case 'chatwoot-disabled':
    case 'redis-unreachable':
    case 'database-unreachable':
    case 'baked-import-uri':
    case 'slow-media-store':
    case 'private-network-refusal':
      return base;
  }
}

/** Stage 2: the containers behind the proxies, keyed by service id. */
export function serviceSpecs(
  plan: RunPlan,
  context: SpecContext,
  proxies: ReadonlyMap<string, ServiceProxies>,
  addresses: ProxyAddresses,
): Map<string, ServiceContainers> {
  const result = new Map<string, ServiceContainers>();
  const none = { replacedByTwin: [], url: undefined, storageEndpoint: undefined, bucket: undefined };
  // Stores first, so the Chatwoots on minio can depend on them.
  const ordered = [...plan.services].sort((a, b) => rank(a) - rank(b));
  for (const service of ordered) {
    const alias = serviceAlias(service);
    switch (service.kind) {
      case 's3': {
        const minio = minioSpec(service.id, alias, service.cells, context);
        result.set(service.id, { ...none, service, specs: [minio], main: minio, url: `http://${alias}-minio:${MINIO_PORT}` });
        break;
      }
      case 'storage-latency-proxy':
        result.set(service.id, { ...none, service, specs: [], main: undefined, url: proxyUrl(proxies.get(service.id)?.front, addresses) });
        break;
      case 'evolution': {
        const serverUrl = evolutionServerUrl(service);
        // slow-media-store keeps its media behind the latency proxy it depends on (on the run network, by alias).
        const latency = service.variant === 'slow-media-store' ? findService(plan, service.dependsOn[0] ?? '') : undefined;
        const mediaStore = latency ? { host: serviceAlias(latency), port: MINIO_PORT } : undefined;
        // 2.x: its Postgres first, the app last (evolution-spec.ts).
        const specs = evolutionSpecs(service, { alias, serverUrl, ...(mediaStore ? { mediaStore } : {}) }, context);
        const evolution = specs.at(-1)!;
        result.set(service.id, { ...none, service, specs, main: evolution, url: serverUrl });
        break;
      }
      case 'chatwoot': {
        let storage: ChatwootStorageWiring = { kind: 'local' };
        let bucket: string | undefined;
        let storageEndpoint: string | undefined;
        const dependsOn: string[] = [];
        if (service.storage === 'minio') {
          findService(plan, service.dependsOn[0] ?? ''); // throws when the storage service is not planned
          bucket = bucketFor(service);
          storageEndpoint = proxyUrl(proxies.get(service.id)?.storage, addresses);
          storage = {
            kind: 's3_compatible',
            endpoint: storageEndpoint,
            bucket,
            region: S3_REGION,
            accessKeyId: context.secrets.s3AccessKeyId,
            secretAccessKey: context.secrets.s3SecretAccessKey,
          };
          const storeMain = result.get(storeServiceOf(plan, service)?.id ?? '')?.main?.name;
          if (storeMain) dependsOn.push(storeMain);
        }
        const frontendUrl = proxyUrl(proxies.get(service.id)?.front, addresses);
        const containers = chatwootSpecs(
          service,
          {
            alias,
            frontendUrl,
            storage,
            dependsOn,
            // Accounts come from the Platform API, not signup: rack-attack stays on, as upstream has it.
            rackAttack: true,
            privateNetworkOptOut: service.variant !== 'private-network-refusal',
          },
          context,
        );
        result.set(service.id, {
          service,
          specs: containers.specs,
          main: containers.rails,
          replacedByTwin: containers.replacedByTwin,
          url: frontendUrl,
          storageEndpoint,
          bucket,
        });
        break;
      }
    }
  }
  return result;
}

function rank(service: PlannedService): number {
  return { s3: 0, 'storage-latency-proxy': 1, evolution: 2, chatwoot: 3 }[service.kind];
}

/** Every container a plan starts with this image kind: proxies + services (for counts and the naive comparison). */
export function countContainers(plan: RunPlan, context: SpecContext): number {
  const proxies = proxySpecs(plan, context);
  const flat = allProxySpecs(proxies);
  const addresses = new Map(flat.map((spec) => [spec.name, '0.0.0.0']));
  let count = flat.length;
  for (const containers of serviceSpecs(plan, context, proxies, addresses).values()) count += containers.specs.length;
  return count;
}
