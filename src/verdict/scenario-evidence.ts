import type { Exchange, LogExcerpt } from '../model/result-schema.ts';

/**
 * Limits that keep result.json readable and small (≤ 2 MB for the 12-cell matrix, issue 16): it keeps the
 * evidence the verdicts cite; every exchange and log is in the cell's artifacts, which result.json links
 * and report.html embeds.
 */
export interface EvidenceCaps {
  exchangesPerScenario: number;
  bodyBytes: number;
  logLinesPerScenario: number;
  /** Tighter caps for scenarios that passed: their evidence is context, not a finding. */
  passing: { exchangesPerScenario: number; bodyBytes: number };
}

export const DEFAULT_EVIDENCE_CAPS: EvidenceCaps = {
  exchangesPerScenario: 8,
  bodyBytes: 2048,
  logLinesPerScenario: 20,
  passing: { exchangesPerScenario: 1, bodyBytes: 256 },
};

/** Exchanges recorded slightly after the scenario's clock stopped (async webhooks) still count. */
const WINDOW_SLACK_MS = 250;

/** Whether a harness exchange was sent by another scenario (of this cell or another): then it is never this one's evidence. */
export function sentByAnother(exchange: Exchange, scenario: { cellId: string; id: string }): boolean {
  return exchange.scenario !== undefined && (exchange.scenario.cell !== scenario.cellId || exchange.scenario.id !== scenario.id);
}

/**
 * The exchanges that are a scenario's evidence: the harness requests it sent itself, and the untagged ones (the
 * products' own traffic) that started inside its time window; never what another scenario's clients sent,
 * unless the scenario pointed at it itself (`pointedAt`). In the cell's order.
 */
export function scenarioExchanges(
  exchanges: readonly Exchange[],
  scenario: { cellId: string; id: string; startedAt?: string; durationMs: number },
  pointedAt?: string,
): Exchange[] {
  const inWindow = new Set(exchangesInWindow(exchanges, scenario.startedAt, scenario.durationMs));
  return exchanges.filter((exchange) => {
    if (exchange.id === pointedAt) return true;
    if (exchange.scenario !== undefined) return !sentByAnother(exchange, scenario);
    return inWindow.has(exchange);
  });
}

/**
 * The exchanges that belong to one scenario: those that started inside its time window. Without a
 * start time every exchange of the cell is a candidate.
 */
export function exchangesInWindow(exchanges: readonly Exchange[], startedAt: string | undefined, durationMs: number): Exchange[] {
  if (!startedAt) return [...exchanges];
  const start = Date.parse(startedAt);
  if (Number.isNaN(start)) return [...exchanges];
  const end = start + durationMs + WINDOW_SLACK_MS;
  return exchanges.filter((exchange) => {
    const at = startMs(exchange);
    return !Number.isNaN(at) && at >= start - WINDOW_SLACK_MS && at <= end;
  });
}

const startsMs = new WeakMap<Exchange, number>();

/** An exchange's start, parsed once: every scenario of its cell asks (≈ 1 s of the extended matrix's result). */
function startMs(exchange: Exchange): number {
  let at = startsMs.get(exchange);
  if (at === undefined) {
    at = Date.parse(exchange.startedAt);
    startsMs.set(exchange, at);
  }
  return at;
}

const encoder = new TextEncoder();

/** Cuts a body to `maxBytes` of UTF-8 (never inside a character) and says how much was dropped. */
export function truncateBody(body: string, maxBytes: number): { body: string; truncated: boolean } {
  const bytes = encoder.encode(body);
  if (bytes.length <= maxBytes) return { body, truncated: false };
  let cut = maxBytes;
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  const kept = new TextDecoder().decode(bytes.subarray(0, cut));
  return { body: `${kept}…[truncated ${bytes.length - cut} bytes]`, truncated: true };
}

function capExchange(exchange: Exchange, bodyBytes: number): Exchange {
  const request = truncateBody(exchange.request.body, bodyBytes);
  const response = exchange.response ? truncateBody(exchange.response.body, bodyBytes) : undefined;
  return {
    ...exchange,
    request: { ...exchange.request, body: request.body, bodyTruncated: exchange.request.bodyTruncated || request.truncated },
    response:
      exchange.response && response
        ? { ...exchange.response, body: response.body, bodyTruncated: exchange.response.bodyTruncated || response.truncated }
        : null,
  };
}

const failed = (exchange: Exchange) => exchange.response === null || exchange.response.status >= 400;

/**
 * At most `caps.exchangesPerScenario` exchanges, chosen in this order: the ones named as decisive or
 * matched by the diagnosis (in that order), then failures, then the rest; returned in time order with bodies capped.
 */
export function selectScenarioExchanges(
  candidates: readonly Exchange[],
  keepIds: readonly string[],
  caps: { exchangesPerScenario: number; bodyBytes: number },
): Exchange[] {
  const score = (exchange: Exchange) => {
    const kept = keepIds.indexOf(exchange.id);
    if (kept >= 0) return kept;
    return keepIds.length + (failed(exchange) ? 0 : 1);
  };
  const ranked = [...candidates].sort((a, b) => score(a) - score(b));
  const chosen = new Set(ranked.slice(0, caps.exchangesPerScenario));
  return candidates.filter((exchange) => chosen.has(exchange)).map((exchange) => capExchange(exchange, caps.bodyBytes));
}

/** Log lines worth showing with a scenario (the ones a diagnosis or the scenario pointed at), grouped by service. */
export function logExcerpts(lines: ReadonlyArray<{ service: string; line: string }>, caps: EvidenceCaps): LogExcerpt[] {
  const byService = new Map<string, string[]>();
  for (const { service, line } of lines) {
    const list = byService.get(service) ?? [];
    if (!list.includes(line)) list.push(line);
    byService.set(service, list);
  }
  return [...byService.entries()].map(([service, serviceLines]) => ({
    service,
    lines: serviceLines.slice(0, caps.logLinesPerScenario),
    truncated: serviceLines.length > caps.logLinesPerScenario,
  }));
}
