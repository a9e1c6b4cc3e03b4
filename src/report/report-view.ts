/**
 * What the JUnit, Markdown and HTML renderers agree on: how a verdict is named and shown, how cells lay
 * out in the grid (rows Chatwoot × columns Evolution, one grid per storage), which results need a
 * reader's attention, which exchange decided a scenario, and how the backend is announced.
 */
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, STORAGES, type ChatwootVersion, type EvolutionVersion, type Storage } from '../model/axes.ts';
import type { CellResult, Exchange, RunResult, ScenarioResult, Verdict } from '../model/result-schema.ts';
import { capText, cleanRecordedText, formatDuration } from './report-text.ts';

export interface VerdictStyle {
  label: string;
  /** Plain-text symbol (terminal convention: ✓ ✗ ! ·). */
  symbol: string;
  /** For Markdown, where colour is not available. */
  emoji: string;
  meaning: string;
}

export const VERDICT_STYLES: Readonly<Record<Verdict, VerdictStyle>> = {
  pass: { label: 'pass', symbol: '✓', emoji: '✅', meaning: 'every scenario passed as expected' },
  'expected-break': {
    label: 'expected break',
    symbol: '✗',
    emoji: '🟧',
    meaning: 'broke exactly where matrix.json expects (a known incompatibility)',
  },
  'unexpected-break': {
    label: 'unexpected break',
    symbol: '✗',
    emoji: '❌',
    meaning: 'a scenario broke that matrix.json expects to pass',
  },
  'unexpected-pass': {
    label: 'unexpected pass',
    symbol: '✓!',
    emoji: '❗',
    meaning: 'passed where matrix.json expects a break (fixed upstream, or the harness is wrong)',
  },
  error: { label: 'infrastructure error', symbol: '!', emoji: '⚠️', meaning: 'a service or the harness failed before a verdict' },
  skipped: { label: 'skipped', symbol: '·', emoji: '⏭️', meaning: 'nothing ran (see the reason)' },
};

/** Grid order and legend order. */
export const VERDICT_ORDER: readonly Verdict[] = ['pass', 'expected-break', 'unexpected-break', 'unexpected-pass', 'error', 'skipped'];

export const NOT_RUN_STYLE = { label: 'not run', symbol: '–', emoji: '➖', meaning: 'this combination was not in the run' } as const;

export const CHANGE_LABELS: Readonly<Record<NonNullable<CellResult['change']>, string>> = {
  'newly-broken': 'newly broken',
  'newly-fixed': 'newly fixed',
  changed: 'changed',
};

/** The suite name of a cell in every report, e.g. `chatwoot-3.8.0 × evolution-1.7.4 × minio`. */
export function cellTitle(cell: Pick<CellResult, 'chatwoot' | 'evolution' | 'storage'>): string {
  return `chatwoot-${cell.chatwoot} × evolution-${cell.evolution} × ${cell.storage}`;
}

export interface GridView {
  storage: Storage;
  rows: readonly ChatwootVersion[];
  columns: readonly EvolutionVersion[];
  cell(chatwoot: ChatwootVersion, evolution: EvolutionVersion): CellResult | undefined;
}

/** One grid per storage present; every grid has the same rows and columns so they line up. */
export function gridViews(result: RunResult): GridView[] {
  const rows = CHATWOOT_VERSIONS.filter((version) => result.cells.some((cell) => cell.chatwoot === version));
  const columns = EVOLUTION_VERSIONS.filter((version) => result.cells.some((cell) => cell.evolution === version));
  const storages = STORAGES.filter((storage) => result.cells.some((cell) => cell.storage === storage));
  return storages.map((storage) => ({
    storage,
    rows,
    columns,
    cell: (chatwoot, evolution) => result.cells.find((cell) => cell.storage === storage && cell.chatwoot === chatwoot && cell.evolution === evolution),
  }));
}

const ATTENTION_VERDICTS: ReadonlySet<Verdict> = new Set<Verdict>(['unexpected-break', 'unexpected-pass', 'error']);

/** A result nobody expected: the ones the exit code fails on, and infrastructure errors. */
export function isUnexpectedVerdict(verdict: Verdict): boolean {
  return ATTENTION_VERDICTS.has(verdict);
}

export interface AttentionItem {
  cell: CellResult;
  /** Scenarios to explain: the unexpected ones, plus the breaks of a cell whose verdict changed. */
  scenarios: ScenarioResult[];
}

/** Cells with an unexpected result or a changed verdict: unexpected verdicts, then errors, then changes. */
export function attentionItems(result: RunResult): AttentionItem[] {
  const items: AttentionItem[] = [];
  for (const cell of result.cells) {
    const changed = cell.change !== undefined;
    const scenarios = cell.scenarios.filter(
      (scenario) => isUnexpectedVerdict(scenario.verdict) || (changed && (scenario.status === 'break' || scenario.status === 'error')),
    );
    if (scenarios.length > 0 || changed || isUnexpectedVerdict(cell.verdict)) items.push({ cell, scenarios });
  }
  const rank = (item: AttentionItem) =>
    item.cell.verdict === 'unexpected-break' || item.cell.verdict === 'unexpected-pass' ? 0 : item.cell.verdict === 'error' ? 1 : 2;
  return items.sort((a, b) => rank(a) - rank(b));
}

/**
 * The exchange that decided the scenario: the one the scenario named, else (for a break or error) the
 * first failed exchange — a transport error or an HTTP status ≥ 400.
 */
export function decisiveExchange(scenario: ScenarioResult): Exchange | undefined {
  const { decisive, exchanges } = scenario.evidence;
  if (decisive?.kind === 'exchange' && decisive.exchangeId !== undefined) {
    const named = exchanges.find((exchange) => exchange.id === decisive.exchangeId);
    if (named) return named;
  }
  if (scenario.status !== 'break' && scenario.status !== 'error') return undefined;
  return exchanges.find((exchange) => exchange.response === null || exchange.response.status >= 400);
}

/** The log line that decided the scenario, when it pointed at one. */
export function decisiveLogLine(scenario: ScenarioResult): { service: string; line: string } | undefined {
  const decisive = scenario.evidence.decisive;
  if (decisive?.kind !== 'log' || decisive.line === undefined) return undefined;
  return { service: decisive.service ?? 'log', line: decisive.line };
}

export interface ExchangeTextCaps {
  /** Bytes shown of each body. */
  bodyBytes: number;
}

function headerLines(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}

function bodyText(body: string, truncatedByRecorder: boolean, caps: ExchangeTextCaps): string {
  const shown = capText(cleanRecordedText(body), caps.bodyBytes);
  return truncatedByRecorder ? `${shown}\n… truncated by the recorder (full exchange in the artifacts)` : shown;
}

/** An exchange as plain text (JUnit failure text, Markdown code block). Already redacted in the result. */
export function exchangeText(exchange: Exchange, caps: ExchangeTextCaps): string {
  const { request, response } = exchange;
  const parts = [`[${exchange.link}] ${request.method} ${request.url}  (${formatDuration(exchange.durationMs)})`];
  const requestHeaders = headerLines(request.headers);
  if (requestHeaders) parts.push(requestHeaders);
  if (request.body) parts.push('', bodyText(request.body, request.bodyTruncated, caps));
  if (response) {
    parts.push('', `HTTP ${response.status}`);
    const responseHeaders = headerLines(response.headers);
    if (responseHeaders) parts.push(responseHeaders);
    if (response.body) parts.push('', bodyText(response.body, response.bodyTruncated, caps));
  } else {
    parts.push('', `no response: ${exchange.error ?? 'unknown transport error'}`);
  }
  return parts.join('\n');
}

export interface BackendView {
  /** e.g. "sim: in-process twins". */
  label: string;
  kind: 'sim' | 'docker-upstream' | 'docker-twin' | 'attach';
  standIns: boolean;
  /** Shown loudly when the services were stand-ins. */
  warning?: string;
}

export function backendView(result: RunResult): BackendView {
  const standInWarning =
    'Stand-ins: these services were twins written from the upstream fact sheets, not the upstream images. ' +
    'Treat the grid as a result of the harness, not of Chatwoot or Evolution API.';
  switch (result.backend) {
    case 'sim':
      return { label: 'sim: in-process twins', kind: 'sim', standIns: true, warning: standInWarning };
    case 'attach': {
      // An attached service is named as such, never a stand-in; only the Evolutions beside it (twins) are.
      const attached = result.attached?.chatwoot;
      if (!attached) return { label: 'attach: a running deployment', kind: 'attach', standIns: result.standIns };
      return {
        label: `${attached.label}; ${result.attached?.evolution?.label ?? 'Evolution: in-process twins'}`,
        kind: 'attach',
        standIns: result.standIns,
        ...(result.standIns
          ? {
              warning:
                'The Chatwoot is the attached server itself; the Evolution API services were twins written from the upstream fact sheets, ' +
                'so the grid says how that server behaves with the twins of those Evolution versions.',
            }
          : {}),
      };
    }
    case 'docker':
      if (result.images === 'twin' || result.standIns) {
        return { label: 'docker: locally built twin images', kind: 'docker-twin', standIns: true, warning: standInWarning };
      }
      return { label: 'docker: upstream images', kind: 'docker-upstream', standIns: false };
  }
}

/**
 * What the service counts mean, said in words: "planned" counts the products' services (Chatwoot,
 * Evolution, storage), "started" what the backend actually started for them, which on docker also
 * counts each service's database and recording proxy containers.
 */
export function servicesLine(services: NonNullable<RunResult['services']>, backend: RunResult['backend']): string {
  const planned = `${services.planned} product services planned (a separate stack per cell would need ${services.naive})`;
  if (backend === 'docker') return `${planned}; ${services.started} containers started (the services plus their databases and recording proxies)`;
  return `${planned}; ${services.started} started${backend === 'sim' ? ' in-process' : ''}`;
}
