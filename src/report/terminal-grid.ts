import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, STORAGES } from '../matrix/axes.ts';
import type { CellResult, Exchange, RunResult, ScenarioResult } from '../result/result-schema.ts';
import { padVisible, terminalStyle, type TerminalStyle } from './terminal-style.ts';

export interface TerminalReportOptions {
  color: boolean;
  /** Where result.json was written, for the last line. */
  resultFile?: string;
}

/** ✓ works, ✗ breaks, ! infrastructure error, – skipped or not run (from the compatibility status). */
function cellSymbol(cell: CellResult | undefined): string {
  if (!cell) return '–';
  switch (cell.status) {
    case 'pass':
      return '✓';
    case 'break':
      return '✗';
    case 'error':
      return '!';
    case 'skipped':
      return '–';
  }
}

/** How the cell compares with matrix.json. */
function cellMarker(cell: CellResult | undefined): string {
  if (!cell) return 'not run';
  switch (cell.verdict) {
    case 'expected-break':
      return 'expected';
    case 'unexpected-break':
    case 'unexpected-pass':
      return 'UNEXPECTED';
    case 'error':
      return cell.status === 'error' ? 'error' : '+ERRORS';
    case 'pass':
      // Compatibility passed; fault scenarios broke as they should.
      return '';
    case 'skipped':
      return 'skipped';
  }
}

function styleCell(cell: CellResult | undefined, text: string, style: TerminalStyle): string {
  if (!cell) return style.dim(text);
  if (cell.verdict === 'unexpected-break' || cell.verdict === 'unexpected-pass') return style.bold(style.red(text));
  if (cell.verdict === 'error') return style.magenta(text);
  if (cell.status === 'break') return style.yellow(text);
  if (cell.status === 'pass') return style.green(text);
  return style.dim(text);
}

function grids(result: RunResult, style: TerminalStyle): string[] {
  const rows = CHATWOOT_VERSIONS.filter((v) => result.cells.some((cell) => cell.chatwoot === v));
  const columns = EVOLUTION_VERSIONS.filter((v) => result.cells.some((cell) => cell.evolution === v));
  const storages = STORAGES.filter((s) => result.cells.some((cell) => cell.storage === s));
  const corner = 'chatwoot ↓  evolution →';
  const firstWidth = Math.max(corner.length, ...rows.map((row) => row.length)) + 2;
  const labels = new Map<string, string>();
  for (const cell of result.cells) labels.set(cell.id, `${cellSymbol(cell)} ${cellMarker(cell)}`.trimEnd());
  const columnWidth = Math.max(10, ...[...labels.values()].map((label) => label.length + 2), ...columns.map((c) => c.length + 2));

  const lines: string[] = [];
  for (const storage of storages) {
    lines.push(style.bold(`storage: ${storage}`));
    lines.push(`  ${padVisible(style.dim(corner), firstWidth)}${columns.map((c) => padVisible(c, columnWidth)).join('')}`.trimEnd());
    for (const row of rows) {
      const cells = columns.map((column) => {
        const cell = result.cells.find((c) => c.storage === storage && c.chatwoot === row && c.evolution === column);
        const label = cell ? (labels.get(cell.id) ?? '–') : '– not run';
        return padVisible(styleCell(cell, label, style), columnWidth);
      });
      lines.push(`  ${padVisible(row, firstWidth)}${cells.join('')}`.trimEnd());
    }
    lines.push('');
  }
  lines.push(
    style.dim(
      'legend: ✓ works  ✗ breaks  ! infrastructure error  – skipped/not run (compatibility scenarios); ' + '"expected" / "UNEXPECTED" compare with matrix.json',
    ),
  );
  return lines;
}

function pathAndQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

function oneLine(text: string, max: number): string {
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

interface Group {
  order: number;
  label: string;
  summary: string;
  remedy: string | undefined;
  contradictsSeed: string | undefined;
  cells: string[];
  scenarios: string[];
  count: number;
  example: string | undefined;
}

function groupFailures(result: RunResult): Group[] {
  const groups = new Map<string, Group>();
  for (const cell of result.cells) {
    for (const scenario of cell.scenarios) {
      if (scenario.status !== 'break' && scenario.status !== 'error' && scenario.verdict !== 'unexpected-pass') continue;
      const fault = scenario.kind === 'fault';
      const [order, label] =
        scenario.verdict === 'unexpected-break' || scenario.verdict === 'unexpected-pass'
          ? [0, `UNEXPECTED ${scenario.verdict === 'unexpected-pass' ? 'PASS' : 'BREAK'}`]
          : scenario.verdict === 'error'
            ? [1, 'infrastructure error']
            : fault
              ? [3, 'fault, broke as expected']
              : [2, 'expected break'];
      const cause =
        scenario.verdict === 'unexpected-pass'
          ? 'passed where matrix.json expects a break (fixed upstream, or the harness is wrong)'
          : (scenario.diagnosis?.summary ?? `undiagnosed: ${oneLine(scenario.message ?? scenario.errorCode ?? 'no message', 100)}`);
      const key = `${order}|${label}|${scenario.diagnosis?.rule ?? cause}`;
      const group =
        groups.get(key) ??
        ({
          order,
          label: scenario.diagnosis ? `${label} · ${scenario.diagnosis.rule}` : label,
          summary: cause,
          remedy: scenario.diagnosis?.remedy,
          contradictsSeed: scenario.diagnosis?.contradictsSeed,
          cells: [],
          scenarios: [],
          count: 0,
          example: undefined,
        } satisfies Group);
      group.count += 1;
      if (!group.cells.includes(cell.id)) group.cells.push(cell.id);
      if (!group.scenarios.includes(scenario.id)) group.scenarios.push(scenario.id);
      group.example ??= decisiveLine(scenario);
      groups.set(key, group);
    }
  }
  return [...groups.values()].sort((a, b) => a.order - b.order);
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

function failureLines(result: RunResult, style: TerminalStyle): string[] {
  const groups = groupFailures(result);
  if (groups.length === 0) return [];
  const lines = [style.bold('Breaks and errors, grouped by cause:')];
  for (const group of groups) {
    const head = `${group.label} — ${group.count} scenario${group.count === 1 ? '' : 's'} in ${group.cells.length} cell${group.cells.length === 1 ? '' : 's'}`;
    lines.push(`  ${group.order === 0 ? style.bold(style.red(head)) : group.order === 1 ? style.magenta(head) : style.yellow(head)}`);
    lines.push(`      cause:     ${group.summary}`);
    if (group.remedy) lines.push(`      remedy:    ${group.remedy}`);
    lines.push(`      scenarios: ${group.scenarios.join(', ')}`);
    lines.push(`      cells:     ${compactCells(result, group.cells)}`);
    if (group.example) lines.push(`      evidence:  ${group.example}`);
    if (group.contradictsSeed) lines.push(`      ${style.bold('seed guide:')} this run contradicts it (see below)`);
  }
  return lines;
}

function headline(result: RunResult): string {
  const unexpected = result.summary.unexpectedBreak + result.summary.unexpectedPass;
  if (unexpected > 0) return `${unexpected} cell${unexpected === 1 ? '' : 's'} with an UNEXPECTED result`;
  if (result.exitCode === 3 || result.summary.error > 0) return 'infrastructure errors kept scenarios from a verdict';
  return 'everything as expected';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The terminal report of one RunResult: header (backend, and loudly "stand-ins" for sim / twin
 * images), one grid per storage (rows Chatwoot, columns Evolution), the breaks grouped by cause with
 * remedy and decisive exchange, the seed-guide contradictions, and a verdict line.
 */
export function renderTerminalReport(result: RunResult, options: TerminalReportOptions): string {
  const style = terminalStyle(options.color);
  const backend = result.backend === 'docker' ? `docker (${result.images ?? 'upstream'} images)` : result.backend;
  const lines: string[] = [];
  lines.push(
    `${style.bold('evochat-matrix')} · backend: ${style.bold(backend)}${result.standIns ? ` — ${style.bold(style.yellow('stand-ins, not upstream results'))}` : ' — upstream images'}`,
  );
  lines.push(style.dim(`  why: ${result.backendReason}`));
  const services = result.services
    ? ` · services: ${result.services.started} started, ${result.services.planned} planned (naive stack per cell: ${result.services.naive})`
    : '';
  lines.push(style.dim(`  ${result.summary.cells} cells · ${seconds(result.durationMs)}${services}`));
  for (const warning of result.warnings ?? []) lines.push(style.yellow(`  warning: ${warning}`));
  lines.push('');
  lines.push(...grids(result, style));

  const failures = failureLines(result, style);
  if (failures.length > 0) lines.push('', ...failures);

  if (result.seedContradictions.length > 0) {
    lines.push('', style.bold('Where this run contradicts the seed guide:'));
    for (const contradiction of result.seedContradictions) {
      lines.push(`  • claim:    ${contradiction.claim}`);
      lines.push(`    observed: ${contradiction.observed}`);
      lines.push(style.dim(`    cells:    ${compactCells(result, contradiction.cells)}`));
    }
  }

  const s = result.summary;
  const counts = [
    [s.pass, 'pass'],
    [s.expectedBreak, 'expected break'],
    [s.unexpectedBreak, 'unexpected break'],
    [s.unexpectedPass, 'unexpected pass'],
    [s.error, 'error'],
    [s.skipped, 'skipped'],
  ]
    .filter(([count]) => (count as number) > 0)
    .map(([count, label]) => `${count} ${label}`)
    .join(', ');
  const verdict = `${headline(result)} — ${s.cells} cells: ${counts} · exit ${result.exitCode}${options.resultFile ? ` · ${options.resultFile}` : ''}`;
  lines.push('', result.exitCode === 0 ? style.green(verdict) : result.exitCode === 1 ? style.bold(style.red(verdict)) : style.magenta(verdict));
  return `${lines.join('\n')}\n`;
}
