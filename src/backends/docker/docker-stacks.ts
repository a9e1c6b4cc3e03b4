/** From started containers to what scenarios get: per-service runtimes (URLs, keys) and one CellStack per cell. */
import { ErrorCodes, InfrastructureError } from '../../errors/index.ts';
import { CONTROL_PREFIX } from '../../model/harness-wire.ts';
import type { EvolutionVersion } from '../../model/axes.ts';
import type { PlannedCell, PlannedService } from '../../matrix/plan-types.ts';
import { capabilitiesOf, instancePrefixFor } from '../../stack/build-cell-stack.ts';
import type { CellStack, ChatwootEndpoint, EvolutionFaultEndpoint, EvolutionFaults } from '../../stack/stack.ts';
import { mediaBucketFor } from '../shared/media-bucket.ts';
import { DEFAULT_PLAN_SETTINGS } from './specs/spec-context.ts';
import { WHATSAPP_CONTROL_PREFIX } from '../../twins/whatsapp/whatsapp-control-api.ts';
import type { DockerEnvironment } from './docker-environment.ts';
import type { DockerRun } from './docker-run.ts';
import type { ContainerSpec } from './specs/container-spec.ts';
import { CHATWOOT_PORT } from './specs/chatwoot-specs.ts';
import { EVOLUTION_PORT } from './specs/evolution-spec.ts';
import { MINIO_PORT } from './specs/minio-spec.ts';
import { S3_REGION, serviceAlias, type ServiceContainers, type ServiceProxies } from './specs/plan-specs.ts';

export function proxyHandleUrl(run: DockerRun, spec: ContainerSpec | undefined): string {
  if (!spec) throw new Error('missing proxy spec');
  const handle = run.handles.get(spec.name);
  if (!handle) throw new Error(`proxy ${spec.name} is not running`);
  return handle.hostUrl(spec.exposedPorts[0]!);
}

export function collectRuntimes(
  env: DockerEnvironment,
  run: DockerRun,
  proxies: ReadonlyMap<string, ServiceProxies>,
  services: ReadonlyMap<string, ServiceContainers>,
  storeUrlOf: (service: PlannedService) => string | undefined,
): void {
  for (const entry of services.values()) {
    const service = entry.service;
    const serviceProxies = proxies.get(service.id);
    switch (service.kind) {
      case 'chatwoot': {
        const storeUrl = storeUrlOf(service);
        env.chatwoots.set(service.id, {
          service,
          url: proxyHandleUrl(run, serviceProxies?.front),
          urlFromEvolution: `http://${serviceAlias(service)}:${CHATWOOT_PORT}`,
          s3:
            entry.bucket && entry.storageEndpoint && storeUrl
              ? {
                  endpoint: storeUrl,
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
      }
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
        env.latencyControlUrls.set(service.id, `${proxyHandleUrl(run, serviceProxies?.front)}${CONTROL_PREFIX}latency`);
        break;
      case 's3':
        break;
    }
  }
}

function serviceFor<T extends { service: PlannedService }>(
  map: ReadonlyMap<string, T>,
  cellId: string,
  match: (service: PlannedService) => boolean,
): T | undefined {
  return [...map.values()].find((runtime) => runtime.service.cells.includes(cellId) && match(runtime.service));
}

export function buildStack(env: DockerEnvironment, cell: PlannedCell, evidenceUrl: string): CellStack {
  const chatwoot = serviceFor(env.chatwoots, cell.id, (s) => s.variant === 'standard' && s.version === cell.chatwoot && s.storage === cell.storage);
  const evolution = serviceFor(env.evolutions, cell.id, (s) => s.variant === 'standard' && s.version === cell.evolution);
  if (!chatwoot || !evolution) throw new InfrastructureError(ErrorCodes.bootstrap, `the plan gives cell ${cell.id} no standard Chatwoot or Evolution`);
  const account = chatwoot.accounts?.accounts.get(cell.id);
  if (!account) throw new InfrastructureError(ErrorCodes.bootstrap, `no Chatwoot account was created for cell ${cell.id}`);
  const slow = serviceFor(env.chatwoots, cell.id, (s) => s.variant === 'slow-storage' && s.version === cell.chatwoot);
  const slowAccount: ChatwootEndpoint | undefined = slow?.accounts?.accounts.get(cell.id);
  // The latency proxy this slow Chatwoot's storage goes through is its dependency.
  const latencyControlUrl = slow ? env.latencyControlUrls.get(slow.service.dependsOn[0] ?? '') : undefined;
  const slowStorage = slow && slowAccount && slow.s3 && latencyControlUrl ? { chatwoot: slowAccount, s3: slow.s3, latencyControlUrl } : undefined;
  const variant = (name: PlannedService['variant']) => serviceFor(env.evolutions, cell.id, (s) => s.variant === name && s.version === cell.evolution)?.endpoint;

  return {
    cellId: cell.id,
    backend: 'docker',
    images: env.images,
    // The harness reaches Chatwoot and Evolution through its proxy containers and the WhatsApp peer on the twin, none
    // of which closes an idle connection (proxy-connections.ts); docker's port forwarder keeps none of its own.
    keepAlive: true,
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
      privateNetworkChatwoot: serviceFor(
        env.chatwoots,
        cell.id,
        (s) => s.variant === 'private-network-refusal' && s.version === cell.chatwoot,
      )?.accounts?.accounts.get(cell.id),
      evolution: evolutionFaultsFor(env, cell),
    },
  };
}

/** The misconfigured Evolutions of evolution-faults serving this cell (undefined when the plan has none for it). */
function evolutionFaultsFor(env: DockerEnvironment, cell: PlannedCell): EvolutionFaults | undefined {
  const runtime = (name: PlannedService['variant']) => serviceFor(env.evolutions, cell.id, (s) => s.variant === name && s.version === cell.evolution);
  const endpoint = (name: PlannedService['variant']): EvolutionFaultEndpoint | undefined => {
    const found = runtime(name);
    return found ? { evolution: found.endpoint, whatsappControlUrl: found.whatsappControlUrl } : undefined;
  };
  const slowRuntime = runtime('slow-media-store');
  const slow = endpoint('slow-media-store');
  const latencyServiceId = slowRuntime?.service.dependsOn[0];
  const latencyControlUrl = latencyServiceId ? env.latencyControlUrls.get(latencyServiceId) : undefined;
  // The object store behind the latency proxy, as the host reaches it (planned for evolution-faults on every storage).
  const storeId = latencyServiceId ? env.plan.services.find((service) => service.id === latencyServiceId)?.dependsOn[0] : undefined;
  const storeUrl = storeId ? env.storeUrls.get(storeId) : undefined;
  const latencyService = latencyServiceId ? env.plan.services.find((service) => service.id === latencyServiceId) : undefined;
  const probe = env.plan.services.find((service) => service.variant === 'database-unreachable' && service.cells.includes(cell.id));
  const faults: EvolutionFaults = {
    chatwootDisabled: endpoint('chatwoot-disabled'),
    redisUnreachable: endpoint('redis-unreachable'),
    bakedImportUri: endpoint('baked-import-uri'),
    slowMediaStore:
      slow && slowRuntime && latencyControlUrl && storeUrl && latencyService
        ? {
            ...slow,
            latencyControlUrl,
            latencyMs: (env.plan.settings ?? DEFAULT_PLAN_SETTINGS).storage.latencyMs,
            bucket: mediaBucketFor(slowRuntime.service.id),
            s3: {
              endpoint: storeUrl,
              endpointFromChatwoot: `http://${serviceAlias(latencyService)}:${MINIO_PORT}`,
              bucket: mediaBucketFor(slowRuntime.service.id),
              region: S3_REGION,
              accessKeyId: env.secrets.s3AccessKeyId,
              secretAccessKey: env.secrets.s3SecretAccessKey,
              forcePathStyle: true,
            },
          }
        : undefined,
    databaseUnreachable: probe ? env.startOutcomes.get(probe.id) : undefined,
  };
  return Object.values(faults).some((value) => value !== undefined) ? faults : undefined;
}
