import { ErrorCodes, InfrastructureError } from '../../errors/index.ts';
import type { CellKey } from '../../model/axes.ts';
import type { PlannedCell, PlannedService } from '../../matrix/plan-types.ts';
import { capabilitiesOf } from '../../stack/build-cell-stack.ts';
import type { CellStack, EvolutionEndpoint } from '../../stack/stack.ts';
import { DEFAULT_SETTINGS, type EvolutionRuntime, type SimEnvironment } from './sim-environment.ts';
import { evolutionFaultsFor } from './evolution-generation-env.ts';
import { ATTACHED_EVOLUTION_PEER_REASON } from '../attach/attached-evolution.ts';

function evolutionEndpoint(runtime: EvolutionRuntime | undefined): EvolutionEndpoint | undefined {
  if (!runtime) return undefined;
  return { url: runtime.front.url, apiKey: runtime.apiKey, serverUrl: runtime.serverUrl, version: runtime.version };
}

function serviceFor<T extends { service: PlannedService }>(map: Map<string, T>, cellId: string, match: (service: PlannedService) => boolean): T | undefined {
  return [...map.values()].find((runtime) => runtime.service.cells.includes(cellId) && match(runtime.service));
}

/** The CellStack of one cell: its account, instance prefix, endpoints and capabilities on the shared services. */
export function buildStack(env: SimEnvironment, cell: PlannedCell, evidenceUrl: string): CellStack {
  const key: CellKey = { chatwoot: cell.chatwoot, evolution: cell.evolution, storage: cell.storage };
  const chatwoot = serviceFor(env.chatwoots, cell.id, (s) => s.variant === 'standard' && s.version === cell.chatwoot && s.storage === cell.storage);
  const evolution = serviceFor(env.evolutions, cell.id, (s) => s.variant === 'standard' && s.version === cell.evolution);
  const attachedEvolution = env.attached?.evolution !== undefined;
  if (!chatwoot || !evolution || (!evolution.twin && !attachedEvolution)) {
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
    // The harness reaches every service through a recording proxy or a twin, neither of which closes idle connections.
    keepAlive: true,
    chatwootVersion: cell.chatwoot,
    evolutionVersion: cell.evolution,
    storage: cell.storage,
    capabilities: capabilitiesOf({
      evidence: true,
      writes: true,
      whatsappPeer: evolution.twin !== undefined,
      s3Inspect: cell.storage === 'minio' && chatwoot.s3 !== undefined,
      storageLatency: slowStorage !== undefined,
    }),
    chatwoot: account,
    chatwootPtBr: chatwoot.ptBr,
    evolution: evolutionEndpoint(evolution)!,
    instancePrefix: env.instancePrefix(key),
    s3: chatwoot.s3,
    whatsappControlUrl: evolution.twin ? `${evolution.twin.url}/__twin/whatsapp` : undefined,
    evidenceUrl,
    // The proxy in front of an attached Evolution stands on this machine, not where Evolution does.
    ...(evolution.twin ? { evolutionSideProbeUrl: evolution.front.url } : {}),
    ...(attachedEvolution ? { skipReasons: { whatsappPeer: ATTACHED_EVOLUTION_PEER_REASON } } : {}),
    faults: {
      trailingSlashEvolution: evolutionEndpoint(
        serviceFor(env.evolutions, cell.id, (s) => s.variant === 'trailing-slash-server-url' && s.version === cell.evolution),
      ),
      unreachableEvolution: evolutionEndpoint(
        serviceFor(env.evolutions, cell.id, (s) => s.variant === 'unreachable-server-url' && s.version === cell.evolution),
      ),
      slowStorage,
      evolution: evolutionFaultsFor(env, cell),
      privateNetworkChatwoot: serviceFor(env.chatwoots, cell.id, (s) => s.variant === 'private-network-refusal' && s.version === cell.chatwoot)?.accounts.get(
        cell.id,
      ),
    },
  };
}
