import { cellId, type CellKey } from '../model/axes.ts';
import type { PlanSettings } from '../matrix/plan-types.ts';
import type { SuiteCatalog } from '../model/suite-catalog-types.ts';
import type { BugReport, ScenarioExpectation } from './bug-report-schema.ts';

/** Scenarios that answer "does this pair work" for the usual report (no QR, no bot reply, 422). */
export const CORE_REPRO_SCENARIOS = [
  'instance-bootstrap/create-returns-201',
  'instance-bootstrap/inbox-created',
  'instance-bootstrap/bot-contact-and-conversation',
  'instance-bootstrap/init-message',
  'filter-contract/contact-lookup',
  'filter-contract/bot-conversation-lookup',
  'filter-contract/bot-conversation-lookup-pt-br',
  'bot-command/status-round-trip',
  'qr-delivery/qr-image-posted',
] as const;

/** The misconfigurations a report's settings describe, each reproduced by a fault scenario. */
export interface ReproFaults {
  /** SERVER_URL ends with '/' (or the webhook URL has '//'): config-faults/webhook-double-slash. */
  trailingSlashServerUrl: boolean;
  /** SERVER_URL names a host Chatwoot's container cannot reach (localhost…): config-faults/server-url-unreachable. */
  unreachableServerUrl: boolean;
  /** A proxy drops api_access_token: auth/chatwoot-header-dropped. */
  headerDropped: boolean;
  /** S3 latency on minio storage: config-faults/slow-storage. */
  slowStorage: boolean;
}

export interface ReproSetup {
  cell: CellKey & { id: string };
  settings: PlanSettings;
  /** Fully qualified scenario ids that decide the verdict, catalog order. */
  scenarios: string[];
  /** Suites to run (a suite runs all its scenarios), catalog order. */
  suites: string[];
  faults: ReproFaults;
  /** How each setting is reproduced, in words (README). */
  notes: string[];
  /** What "reproduced" means; empty = at least one selected scenario breaks. */
  expectations: ScenarioExpectation[];
}

const DEFAULT_LATENCY_MS = 6_000;

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

/** From Chatwoot's container, these names are Chatwoot itself (evolution#1375: "Failed to open TCP connection to localhost:8080"). */
function isSelfAddress(host: string | undefined): boolean {
  return host !== undefined && (host === 'localhost' || host === '0.0.0.0' || host === '::1' || /^127\./.test(host));
}

function hasDoubleSlashPath(url: string): boolean {
  try {
    return new URL(url).pathname.includes('//');
  } catch {
    return /[^:]\/\//.test(url);
  }
}

export function deriveFaults(report: BugReport): ReproFaults {
  const { serverUrl, webhookUrl, storage, storageLatencyMs, proxy } = report.settings;
  return {
    trailingSlashServerUrl: (serverUrl !== undefined && serverUrl.endsWith('/')) || (webhookUrl !== undefined && hasDoubleSlashPath(webhookUrl)),
    unreachableServerUrl: isSelfAddress(serverUrl ? hostOf(serverUrl) : undefined) || isSelfAddress(webhookUrl ? hostOf(webhookUrl) : undefined),
    headerDropped: proxy.dropsUnderscoreHeaders,
    slowStorage: storage === 'minio' && storageLatencyMs !== undefined && storageLatencyMs > 0,
  };
}

/** Expands suite ids to their scenarios; keeps catalog order and drops duplicates. */
function expand(ids: readonly string[], catalog: SuiteCatalog): string[] {
  const wanted = new Set<string>();
  for (const id of ids) {
    const suite = catalog.find((entry) => entry.id === id);
    if (suite) for (const scenario of suite.scenarios) wanted.add(scenario.id);
    else wanted.add(id);
  }
  return catalog.flatMap((suite) => suite.scenarios.map((scenario) => scenario.id)).filter((id) => wanted.has(id));
}

/**
 * What to run for a report: the reporter's cell with their settings, the core scenarios plus the
 * fault scenario for every misconfiguration the settings describe (or exactly the scenarios the
 * report names), and what "reproduced" means.
 */
export function deriveReproSetup(report: BugReport, catalog: SuiteCatalog): ReproSetup {
  const key: CellKey = { chatwoot: report.versions.chatwoot, evolution: report.versions.evolution, storage: report.settings.storage };
  const faults = deriveFaults(report);
  const notes: string[] = [
    `Chatwoot ${key.chatwoot}, Evolution ${key.evolution}, ${key.storage === 'minio' ? 'S3-compatible storage (MinIO)' : 'local storage'}`,
    `DEFAULT_LOCALE=${report.settings.defaultLocale}, Evolution LANGUAGE=${report.settings.evolutionLanguage}`,
  ];
  const selected: string[] = report.scenarios ? [...report.scenarios] : [...CORE_REPRO_SCENARIOS];
  if (faults.trailingSlashServerUrl) {
    notes.push(
      `SERVER_URL ${report.settings.serverUrl ?? ''} ends with "/": run by config-faults/webhook-double-slash, an Evolution whose SERVER_URL ends with "/"`.replace(
        '  ',
        ' ',
      ),
    );
    if (!report.scenarios) selected.push('config-faults/webhook-double-slash');
  }
  if (faults.unreachableServerUrl) {
    notes.push(
      `SERVER_URL ${report.settings.serverUrl ?? report.settings.webhookUrl ?? ''} is not reachable from Chatwoot's container: run by config-faults/server-url-unreachable`,
    );
    if (!report.scenarios) selected.push('config-faults/server-url-unreachable');
  }
  if (faults.headerDropped) {
    notes.push(
      'a proxy drops api_access_token: run by auth/chatwoot-header-dropped (the request without the header); the compose file puts an nginx without underscores_in_headers in front of Chatwoot',
    );
    if (!report.scenarios) selected.push('auth/chatwoot-header-dropped');
  }
  if (faults.slowStorage) {
    notes.push(`${report.settings.storageLatencyMs} ms between Chatwoot and S3: run by config-faults/slow-storage`);
    if (!report.scenarios) selected.push('config-faults/slow-storage');
  } else if (report.settings.storageLatencyMs && report.settings.storage === 'local') {
    notes.push('storageLatencyMs is ignored on local storage: there is no S3 link to slow down');
  }
  const scenarios = expand(selected, catalog);
  const suites = catalog.filter((suite) => suite.scenarios.some((scenario) => scenarios.includes(scenario.id))).map((suite) => suite.id);
  return {
    cell: { ...key, id: cellId(key) },
    settings: {
      chatwoot: { defaultLocale: report.settings.defaultLocale },
      evolution: { language: report.settings.evolutionLanguage, qrRefreshMs: 40_000 },
      storage: { latencyMs: report.settings.storageLatencyMs ?? DEFAULT_LATENCY_MS },
    },
    scenarios,
    suites,
    faults,
    notes,
    expectations: report.expect ?? [],
  };
}
