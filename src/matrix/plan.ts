import type { ChatwootVersion, EvolutionVersion } from '../model/axes.ts';
import { chatwootProfile } from '../model/chatwoot-profiles.ts';
import { evolutionProfile } from '../model/evolution-profiles.ts';
import type { PlanSettings, PlannedCell, PlannedService, RunPlan, ServiceVariant } from './plan-types.ts';

/** The suite whose scenarios need deliberately misconfigured services (SCENARIOS.md). */
export const CONFIG_FAULTS_SUITE = 'config-faults';
/** Evolution 2.x's own configuration faults: misconfigured Evolutions of the cell's version, 2.x cells only. */
export const EVOLUTION_FAULTS_SUITE = 'evolution-faults';
/** The Evolution variants evolution-faults needs; slow-media-store also needs the S3 service and the latency proxy. */
export const EVOLUTION_FAULT_VARIANTS = ['chatwoot-disabled', 'redis-unreachable', 'database-unreachable', 'baked-import-uri', 'slow-media-store'] as const;

export const S3_SERVICE_ID = 's3';
export const LATENCY_PROXY_SERVICE_ID = 'storage-latency-proxy';

export function chatwootServiceId(version: ChatwootVersion, storageOrVariant: string): string {
  return `chatwoot-${version}-${storageOrVariant}`;
}

export function evolutionServiceId(version: EvolutionVersion, variant: ServiceVariant): string {
  return variant === 'standard' ? `evolution-${version}` : `evolution-${version}-${variant}`;
}

function needsFaults(cell: PlannedCell): boolean {
  return cell.suites.includes(CONFIG_FAULTS_SUITE);
}

/** A Chatwoot that can be started without the private-network opt-out exists only where the opt-out exists (4.14.1+). */
function needsPrivateNetworkRefusal(cell: PlannedCell): boolean {
  return needsFaults(cell) && chatwootProfile(cell.chatwoot).privateWebhookTargets === 'refused-unless-opt-out';
}

/** Only where the faults mean something: the variables exist from Evolution 2.0 (the scenarios skip on 1.7). */
function needsEvolutionFaults(cell: PlannedCell): boolean {
  return cell.suites.includes(EVOLUTION_FAULTS_SUITE) && evolutionProfile(cell.evolution).generation === '2';
}

/**
 * What a stack per cell would start: Chatwoot + Evolution (+ S3 on minio), and for the
 * config-faults suite its own two misconfigured Evolutions (+ a slow Chatwoot and a latency proxy on minio).
 */
export function naiveServicesForCell(cell: PlannedCell): number {
  const minio = cell.storage === 'minio';
  let count = 2 + (minio ? 1 : 0);
  if (needsFaults(cell)) count += 2 + (minio ? 2 : 0);
  if (needsPrivateNetworkRefusal(cell)) count += 1;
  // Five misconfigured Evolutions, plus S3 and the latency proxy for the media store where the cell has none.
  if (needsEvolutionFaults(cell)) count += EVOLUTION_FAULT_VARIANTS.length + (minio ? 0 : 1) + (minio && needsFaults(cell) ? 0 : 1);
  return count;
}

/**
 * Shared-stack plan (DESIGN.md §7): one Chatwoot per (version, storage) with an account per cell;
 * one S3 for every minio Chatwoot (a bucket each); one Evolution per version (instances are per
 * cell). Services whose environment a fault changes exist once per version, only when a cell runs
 * config-faults: an Evolution with a trailing-slash SERVER_URL, one with an unreachable SERVER_URL,
 * and on minio a Chatwoot behind a storage latency proxy.
 */
export function planRun(cells: readonly PlannedCell[], settings?: PlanSettings): RunPlan {
  const services = new Map<string, PlannedService>();
  const add = (service: Omit<PlannedService, 'cells'>, cell: PlannedCell) => {
    const existing = services.get(service.id);
    if (existing) {
      if (!existing.cells.includes(cell.id)) existing.cells.push(cell.id);
    } else services.set(service.id, { ...service, cells: [cell.id] });
  };

  for (const cell of cells) {
    const minio = cell.storage === 'minio';
    if (minio) add({ id: S3_SERVICE_ID, kind: 's3', variant: 'standard', dependsOn: [] }, cell);
    add(
      {
        id: chatwootServiceId(cell.chatwoot, cell.storage),
        kind: 'chatwoot',
        version: cell.chatwoot,
        storage: cell.storage,
        variant: 'standard',
        dependsOn: minio ? [S3_SERVICE_ID] : [],
      },
      cell,
    );
    add({ id: evolutionServiceId(cell.evolution, 'standard'), kind: 'evolution', version: cell.evolution, variant: 'standard', dependsOn: [] }, cell);

    if (needsEvolutionFaults(cell)) {
      add({ id: S3_SERVICE_ID, kind: 's3', variant: 'standard', dependsOn: [] }, cell);
      add({ id: LATENCY_PROXY_SERVICE_ID, kind: 'storage-latency-proxy', variant: 'slow-storage', dependsOn: [S3_SERVICE_ID] }, cell);
      for (const variant of EVOLUTION_FAULT_VARIANTS) {
        const dependsOn = variant === 'slow-media-store' ? [LATENCY_PROXY_SERVICE_ID] : [];
        add({ id: evolutionServiceId(cell.evolution, variant), kind: 'evolution', version: cell.evolution, variant, dependsOn }, cell);
      }
    }

    if (!needsFaults(cell)) continue;
    for (const variant of ['trailing-slash-server-url', 'unreachable-server-url'] as const) {
      add({ id: evolutionServiceId(cell.evolution, variant), kind: 'evolution', version: cell.evolution, variant, dependsOn: [] }, cell);
    }
    if (needsPrivateNetworkRefusal(cell)) {
      // Storage plays no part in the fault: one local Chatwoot per version serves the cells of both storages.
      add(
        {
          id: chatwootServiceId(cell.chatwoot, 'private-network-refusal'),
          kind: 'chatwoot',
          version: cell.chatwoot,
          storage: 'local',
          variant: 'private-network-refusal',
          dependsOn: [],
        },
        cell,
      );
    }
    if (minio) {
      add({ id: LATENCY_PROXY_SERVICE_ID, kind: 'storage-latency-proxy', variant: 'slow-storage', dependsOn: [S3_SERVICE_ID] }, cell);
      add(
        {
          id: chatwootServiceId(cell.chatwoot, 'slow-storage'),
          kind: 'chatwoot',
          version: cell.chatwoot,
          storage: 'minio',
          variant: 'slow-storage',
          dependsOn: [LATENCY_PROXY_SERVICE_ID],
        },
        cell,
      );
    }
  }

  return {
    cells: cells.map((cell) => ({ ...cell, suites: [...cell.suites] })),
    services: [...services.values()],
    naiveServiceCount: cells.reduce((sum, cell) => sum + naiveServicesForCell(cell), 0),
    ...(settings ? { settings } : {}),
  };
}
