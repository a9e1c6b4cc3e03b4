/**
 * Breaks and errors grouped by cause (diagnosis), as every first screen shows them: the terminal report,
 * report.html below the grid and summary.md. Expected breaks and broken-as-intended faults are groups too:
 * a reader learns what breaks where and why without opening a cell.
 */
import { STORAGES } from '../model/axes.ts';
import type { Exchange, RunResult, ScenarioResult } from '../model/result-schema.ts';

/** 0 unexpected, 1 infrastructure error, 2 expected break, 3 fault broke as expected. */
export type CauseOrder = 0 | 1 | 2 | 3;

export interface CauseGroup {
  order: CauseOrder;
  /** e.g. "expected break · chatwoot-rejects-contact-id". */
  label: string;
  /** The diagnosis rule, when there is one. */
  rule: string | undefined;
  summary: string;
  remedy: string | undefined;
  contradictsSeed: string | undefined;
  cells: string[];
  scenarios: string[];
  count: number;
  /** One line of the evidence that decided the first scenario of the group. */
  example: string | undefined;
}

function pathAndQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `[evolution->chatwoot] POST /api/v1/accounts/2/conversations/filter → 422 {"error":"Invalid attribute key…` */
export function exchangeOneLiner(exchange: Exchange): string {
  const outcome = exchange.response
    ? `${exchange.response.status}${exchange.response.body ? ` ${oneLine(exchange.response.body, 90)}` : ''}`
    : `no response: ${oneLine(exchange.error ?? 'transport error', 90)}`;
  return `[${exchange.link}] ${exchange.request.method} ${pathAndQuery(exchange.request.url)} → ${outcome}`;
}

function decisiveLine(scenario: ScenarioResult): string | undefined {
  const decisive = scenario.evidence.decisive;
  if (decisive?.kind === 'exchange') {
    const exchange = scenario.evidence.exchanges.find((e) => e.id === decisive.exchangeId);
    return exchange ? exchangeOneLiner(exchange) : undefined;
  }
  if (decisive?.kind === 'log' && decisive.line) return `[${decisive.service ?? 'log'} log] ${oneLine(decisive.line, 120)}`;
  return undefined;
}

function orderAndLabel(scenario: ScenarioResult): [CauseOrder, string] {
  if (scenario.verdict === 'unexpected-break' || scenario.verdict === 'unexpected-pass') {
    return [0, `UNEXPECTED ${scenario.verdict === 'unexpected-pass' ? 'PASS' : 'BREAK'}`];
  }
  if (scenario.verdict === 'error') return [1, 'infrastructure error'];
  return scenario.kind === 'fault' ? [3, 'fault, broke as expected'] : [2, 'expected break'];
}

/** Every break, error and unexpected pass of the run, one group per (kind of result, cause); unexpected first. */
export function causeGroups(result: RunResult): CauseGroup[] {
  const groups = new Map<string, CauseGroup>();
  for (const cell of result.cells) {
    for (const scenario of cell.scenarios) {
      if (scenario.status !== 'break' && scenario.status !== 'error' && scenario.verdict !== 'unexpected-pass') continue;
      const [order, label] = orderAndLabel(scenario);
      const cause =
        scenario.verdict === 'unexpected-pass'
          ? (scenario.diagnosis?.summary ?? 'passed where matrix.json expects a break (fixed upstream, or the harness is wrong)')
          : (scenario.diagnosis?.summary ?? `undiagnosed: ${oneLine(scenario.message ?? scenario.errorCode ?? 'no message', 100)}`);
      const key = `${order}|${label}|${scenario.diagnosis?.rule ?? cause}`;
      const group =
        groups.get(key) ??
        ({
          order,
          label: scenario.diagnosis ? `${label} · ${scenario.diagnosis.rule}` : label,
          rule: scenario.diagnosis?.rule,
          summary: cause,
          remedy: scenario.diagnosis?.remedy,
          contradictsSeed: scenario.diagnosis?.contradictsSeed,
          cells: [],
          scenarios: [],
          count: 0,
          example: undefined,
        } satisfies CauseGroup);
      group.count += 1;
      if (!group.cells.includes(cell.id)) group.cells.push(cell.id);
      if (!group.scenarios.includes(scenario.id)) group.scenarios.push(scenario.id);
      group.example ??= decisiveLine(scenario);
      groups.set(key, group);
    }
  }
  return [...groups.values()].sort((a, b) => a.order - b.order);
}

/** `N scenarios in M cells`. */
export function groupCounts(group: CauseGroup): string {
  return `${group.count} scenario${group.count === 1 ? '' : 's'} in ${group.cells.length} cell${group.cells.length === 1 ? '' : 's'}`;
}

/** `cw3.8.0-evo1.7.4 (local, minio), cw3.9.0-evo1.7.4 (local)`, or "every cell" / "every minio cell". */
export function compactCells(result: RunResult, ids: readonly string[]): string {
  const chosen = result.cells.filter((cell) => ids.includes(cell.id));
  if (chosen.length === result.cells.length) return `every cell (${chosen.length})`;
  for (const storage of STORAGES) {
    const ofStorage = result.cells.filter((cell) => cell.storage === storage);
    if (chosen.length === ofStorage.length && chosen.every((cell) => cell.storage === storage)) return `every ${storage} cell (${chosen.length})`;
  }
  const pairs = new Map<string, string[]>();
  for (const cell of chosen) {
    const pair = `cw${cell.chatwoot}-evo${cell.evolution}`;
    pairs.set(pair, [...(pairs.get(pair) ?? []), cell.storage]);
  }
  return [...pairs.entries()].map(([pair, storages]) => `${pair} (${storages.join(', ')})`).join(', ');
}
