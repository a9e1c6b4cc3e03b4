import type { CellKey, ChatwootVersion, EvolutionVersion, Storage } from '../model/axes.ts';

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
export type ServiceVariant =
  | 'standard'
  | 'trailing-slash-server-url'
  | 'unreachable-server-url'
  | 'slow-storage'
  // A 4.14.1+ Chatwoot without SAFE_FETCH_ALLOW_PRIVATE_NETWORK (config-faults/private-webhook-target, chatwoot-3.10-4.x.md §4.2):
  | 'private-network-refusal'
  // Evolution 2.x configuration faults (suite evolution-faults, evolution-api-2.x.md §0.3, §1.2, §1.3, §2, §5.2):
  | 'chatwoot-disabled'
  | 'redis-unreachable'
  | 'database-unreachable'
  | 'baked-import-uri'
  | 'slow-media-store';

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

/** Per-axis settings from matrix.json (`settings`), with defaults applied. */
export interface PlanSettings {
  chatwoot: {
    /** DEFAULT_LOCALE of every Chatwoot: the language of the devise 401. */
    defaultLocale: 'en' | 'pt_BR';
  };
  evolution: {
    /** LANGUAGE of every Evolution: the language of its bot messages. */
    language: 'en' | 'pt-BR' | 'es';
    /** Twins only: interval between QR codes of the simulated WhatsApp. */
    qrRefreshMs: number;
  };
  storage: {
    /** Latency the storage-latency-proxy adds for config-faults/slow-storage. */
    latencyMs: number;
  };
}

export interface RunPlan {
  cells: PlannedCell[];
  services: PlannedService[];
  /** Settings every service is configured with; absent only in hand-made plans (backends then use the defaults). */
  settings?: PlanSettings;
  /** What a naive plan (a full stack per cell, fault variants included) would start, for comparison. */
  naiveServiceCount: number;
}
