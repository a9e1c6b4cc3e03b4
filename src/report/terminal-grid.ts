import { basename } from 'node:path';
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, STORAGES } from '../model/axes.ts';
import type { CellResult, RunResult } from '../model/result-schema.ts';
import { GUIDE_NAME } from '../verdict/troubleshooting-guide.ts';
import { causeGroups, compactCells, groupCounts } from './cause-groups.ts';
import { servicesLine } from './report-view.ts';
import { padVisible, terminalStyle, type TerminalStyle } from './terminal-style.ts';

export { compactCells, exchangeOneLiner } from './cause-groups.ts';

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
      'legend: ✓ works  ✗ breaks  ! infrastructure error  – skipped/not run (compatibility scenarios); ' +
        `"expected" / "UNEXPECTED" compare with ${basename(result.matrixFile ?? 'matrix.json')}`,
    ),
  );
  return lines;
}

function failureLines(result: RunResult, style: TerminalStyle): string[] {
  const groups = causeGroups(result);
  if (groups.length === 0) return [];
  const lines = [style.bold('Breaks and errors, grouped by cause:')];
  for (const group of groups) {
    const head = `${group.label} — ${groupCounts(group)}`;
    lines.push(`  ${group.order === 0 ? style.bold(style.red(head)) : group.order === 1 ? style.magenta(head) : style.yellow(head)}`);
    lines.push(`      cause:     ${group.summary}`);
    if (group.remedy) lines.push(`      remedy:    ${group.remedy}`);
    lines.push(`      scenarios: ${group.scenarios.join(', ')}`);
    lines.push(`      cells:     ${compactCells(result, group.cells)}`);
    if (group.example) lines.push(`      evidence:  ${group.example}`);
    if (group.contradictsSeed) lines.push(`      ${style.bold('guide:')}     this run contradicts the troubleshooting guide (see below)`);
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
 * remedy and decisive exchange, where the troubleshooting guide is contradicted, and a verdict line.
 */
export function renderTerminalReport(result: RunResult, options: TerminalReportOptions): string {
  const style = terminalStyle(options.color);
  const backend = result.backend === 'docker' ? `docker (${result.images ?? 'upstream'} images)` : result.backend;
  const lines: string[] = [];
  const attached = result.attached?.chatwoot;
  const kind = attached
    ? ` — ${style.bold(attached.label)}; ${result.attached?.evolution ? style.bold(result.attached.evolution.label) : `Evolution: ${style.yellow('twins (stand-ins)')}`}`
    : result.standIns
      ? ` — ${style.bold(style.yellow('stand-ins, not upstream results'))}`
      : ' — upstream images';
  lines.push(`${style.bold('evochat-matrix')} · backend: ${style.bold(backend)}${kind}`);
  lines.push(style.dim(`  why: ${result.backendReason}`));
  const services = result.services ? ` · ${servicesLine(result.services, result.backend)}` : '';
  lines.push(style.dim(`  ${result.summary.cells} cells · ${seconds(result.durationMs)}${services}`));
  for (const warning of result.warnings ?? []) lines.push(style.yellow(`  warning: ${warning}`));
  lines.push('');
  lines.push(...grids(result, style));

  const failures = failureLines(result, style);
  if (failures.length > 0) lines.push('', ...failures);

  if (result.seedContradictions.length > 0) {
    lines.push('', style.bold(`Where this run contradicts ${GUIDE_NAME}:`));
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
