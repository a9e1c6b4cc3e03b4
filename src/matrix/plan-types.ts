import type { CellKey, ChatwootVersion, EvolutionVersion, Storage } from './axes.ts';

/** One combination to test, with the suites it runs. */
export interface PlannedCell extends CellKey {
  id: string;
  suites: string[];
}

export type ServiceKind = 'chatwoot' | 'evolution' | 's3' | 'storage-latency-proxy';

/**
 * How a service deviates from the standard setup. Fault variants exist because a scenario
 * changes that service's environment, so it cannot be shared with cells that need the standard one.
 */
export type ServiceVariant = 'standard' | 'trailing-slash-server-url' | 'unreachable-server-url' | 'slow-storage';

/** A service the backend must provide; shared by every cell listed in `cells`. */
export interface PlannedService {
  id: string;
  kind: ServiceKind;
  /** chatwoot / evolution only. */
  version?: ChatwootVersion | EvolutionVersion;
  /** chatwoot only: its ActiveStorage service. */
  storage?: Storage;
  variant: ServiceVariant;
  cells: string[];
  /** Ids of services that must be up first (e.g. chatwoot on minio → s3). */
  dependsOn: string[];
}

export interface RunPlan {
  cells: PlannedCell[];
  services: PlannedService[];
  /** What a naive plan (a full stack per cell, fault variants included) would start, for comparison. */
  naiveServiceCount: number;
}
