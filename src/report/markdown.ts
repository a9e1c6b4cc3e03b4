/**
 * Markdown for `$GITHUB_STEP_SUMMARY` and summary.md: the verdict first, the backend, the grid (rows
 * Chatwoot × columns Evolution, one per storage), then each unexpected or changed result in a
 * `<details>` block with its diagnosis and links to the artifacts. Headings start at `###` (the page
 * already has its own), and the output is capped well below GitHub's 1 MiB step-summary limit: logs
 * are linked, never pasted.
 */
import type { CellResult, RunResult, ScenarioResult } from '../model/result-schema.ts';
import { GUIDE_NAME, GUIDE_SHORT } from '../verdict/troubleshooting-guide.ts';
import { causeGroups, compactCells, groupCounts, type CauseGroup } from './cause-groups.ts';
import { overallVerdict, type OverallKind } from './report-headline.ts';
import { byteLength, capText, cleanRecordedText, formatDuration, truncateUtf8, truncationMarker } from './report-text.ts';
import {
  CHANGE_LABELS,
  NOT_RUN_STYLE,
  VERDICT_ORDER,
  VERDICT_STYLES,
  attentionItems,
  backendView,
  cellTitle,
  decisiveExchange,
  decisiveLogLine,
  gridViews,
  type AttentionItem,
} from './report-view.ts';
import { codeBlock, escapeHtmlText, escapeMarkdownInline, inlineCode, linkTarget } from './markdown-escape.ts';

/** GitHub allows 1 MiB per step summary; stay far below so other steps still fit. */
export const MARKDOWN_MAX_BYTES = 64 * 1024;

export const MARKDOWN_CAPS = {
  /** One `<details>` block. */
  itemBytes: 6 * 1024,
  bodyBytes: 600,
  textBytes: 1024,
  scenariosPerCell: 8,
  contradictions: 10,
  warnings: 10,
  causes: 30,
} as const;

export interface MarkdownOptions {
  /** Prefix for artifact links (relative from summary.md to result.json's directory). */
  linkBase?: string;
  /** Where the run's artifacts can be downloaded (e.g. the GitHub Actions run page). */
  artifactsUrl?: string;
  /** Total size cap in bytes; default {@link MARKDOWN_MAX_BYTES}. */
  maxBytes?: number;
}

const KIND_EMOJI: Readonly<Record<OverallKind, string>> = { ok: '✅', unexpected: '❌', error: '⚠️' };

const CHANGE_EMOJI: Readonly<Record<NonNullable<CellResult['change']>, string>> = {
  'newly-broken': '🔻',
  'newly-fixed': '🔺',
  changed: '🔁',
};

function text(value: string, maxBytes: number = MARKDOWN_CAPS.textBytes): string {
  return escapeMarkdownInline(capText(cleanRecordedText(value), maxBytes));
}

function changeMark(cell: CellResult): string {
  if (!cell.change) return '';
  const was = cell.previousVerdict ? ` (was ${VERDICT_STYLES[cell.previousVerdict].label})` : '';
  return `${CHANGE_EMOJI[cell.change]} ${CHANGE_LABELS[cell.change]}${was}`;
}

function headerSection(result: RunResult): string {
  const overall = overallVerdict(result);
  const backend = backendView(result);
  const lines = [
    `### ${KIND_EMOJI[overall.kind]} evochat-matrix: ${text(overall.headline)}`,
    '',
    `**${escapeMarkdownInline(overall.counts)}** · run ${inlineCode(result.runId)} · ${formatDuration(result.durationMs)} · evochat-matrix ${escapeMarkdownInline(result.tool.version)}`,
    '',
  ];
  if (backend.warning) {
    lines.push(
      '> [!WARNING]',
      `> **Backend: ${escapeMarkdownInline(backend.label)}.** ${escapeMarkdownInline(backend.warning)}`,
      `> Why this backend: ${text(result.backendReason)}`,
    );
  } else {
    lines.push(`**Backend: ${escapeMarkdownInline(backend.label)}.** Why: ${text(result.backendReason)}`);
  }
  const warnings = result.warnings ?? [];
  for (const warning of warnings.slice(0, MARKDOWN_CAPS.warnings)) lines.push('', `⚠️ ${text(warning, 500)}`);
  if (warnings.length > MARKDOWN_CAPS.warnings) lines.push('', `… ${warnings.length - MARKDOWN_CAPS.warnings} more warnings in report.html`);
  if (result.compare) {
    const changed = result.cells.filter((cell) => cell.change !== undefined);
    const counts = (['newly-broken', 'newly-fixed', 'changed'] as const)
      .map((change) => [change, changed.filter((cell) => cell.change === change).length] as const)
      .filter(([, count]) => count > 0)
      .map(([change, count]) => `${count} ${CHANGE_LABELS[change]}`);
    lines.push(
      '',
      `Compared with ${inlineCode(result.compare.previous)}: ${
        changed.length === 0 ? 'no cell changed its verdict.' : `${changed.length} cell(s) changed: ${counts.join(', ')}.`
      }`,
    );
  }
  return lines.join('\n');
}

function gridSection(result: RunResult): string {
  const lines: string[] = [];
  for (const grid of gridViews(result)) {
    lines.push(`#### Storage: ${grid.storage}`, '');
    lines.push(`| Chatwoot ＼ Evolution | ${grid.columns.join(' | ')} |`);
    lines.push(`| --- |${grid.columns.map(() => ' --- |').join('')}`);
    for (const chatwoot of grid.rows) {
      const cells = grid.columns.map((evolution) => {
        const cell = grid.cell(chatwoot, evolution);
        if (!cell) return `${NOT_RUN_STYLE.emoji} ${NOT_RUN_STYLE.label}`;
        const style = VERDICT_STYLES[cell.verdict];
        const mark = changeMark(cell);
        return `${style.emoji} ${style.label}${mark ? `<br>${mark}` : ''}`;
      });
      lines.push(`| **${chatwoot}** | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  const legend = VERDICT_ORDER.map((verdict) => `${VERDICT_STYLES[verdict].emoji} ${VERDICT_STYLES[verdict].label}`);
  legend.push(`${NOT_RUN_STYLE.emoji} ${NOT_RUN_STYLE.label}`);
  if (result.compare) legend.push('🔻 newly broken', '🔺 newly fixed', '🔁 changed since the previous run');
  lines.push(`<sub>Legend: ${legend.join(' · ')}. Expected breaks are listed in matrix.json; only unexpected results fail the run.</sub>`);
  return lines.join('\n');
}

const CAUSE_EMOJI: Readonly<Record<CauseGroup['order'], string>> = { 0: '❌', 1: '⚠️', 2: '🟧', 3: '🧪' };

/** Every break and error by cause with its cells, expected or not: what a reader learns without opening anything. */
function causesSection(result: RunResult): string {
  const groups = causeGroups(result);
  if (groups.length === 0) return '';
  const shown = groups.slice(0, MARKDOWN_CAPS.causes);
  const lines = ['#### Breaks and errors, grouped by cause', ''];
  for (const group of shown) {
    lines.push(
      `- ${CAUSE_EMOJI[group.order]} **${escapeMarkdownInline(group.label)}** (${groupCounts(group)}): ${text(group.summary, 400)}. Cells: ${escapeMarkdownInline(compactCells(result, group.cells))}`,
    );
    if (group.remedy) lines.push(`  - Remedy: ${text(group.remedy, 400)}`);
  }
  if (groups.length > shown.length) lines.push(`- … ${groups.length - shown.length} more causes in report.html`);
  return lines.join('\n');
}

function contradictionsSection(result: RunResult): string {
  if (result.seedContradictions.length === 0) return '';
  const shown = result.seedContradictions.slice(0, MARKDOWN_CAPS.contradictions);
  const lines = [`#### Where ${GUIDE_NAME} is contradicted`, ''];
  for (const contradiction of shown) {
    const cells = contradiction.cells.length > 0 ? ` (${contradiction.cells.map((cell) => inlineCode(cell)).join(', ')})` : '';
    lines.push(`- The guide says: ${text(contradiction.claim, 500)}. Observed: ${text(contradiction.observed, 500)}${cells}`);
  }
  const more = result.seedContradictions.length - shown.length;
  if (more > 0) lines.push(`- … ${more} more in report.html`);
  return lines.join('\n');
}

function scenarioLines(scenario: ScenarioResult): string[] {
  const style = VERDICT_STYLES[scenario.verdict];
  const code = scenario.errorCode ? ` · ${inlineCode(scenario.errorCode)}` : '';
  const lines = [`- ${style.emoji} **${inlineCode(scenario.id)}**: ${style.label}${code}`];
  if (scenario.message) lines.push(`  - ${text(scenario.message)}`);
  const diagnosis = scenario.diagnosis;
  if (diagnosis) {
    lines.push(`  - **Diagnosis** (${inlineCode(diagnosis.rule)}): ${text(diagnosis.summary)}`);
    lines.push(`  - **Remedy:** ${text(diagnosis.remedy)}`);
    if (diagnosis.contradictsSeed) lines.push(`  - **Contradicts ${GUIDE_SHORT}**, which said: ${text(diagnosis.contradictsSeed)}`);
  }
  if (scenario.verdict === 'unexpected-pass') {
    lines.push('  - Passed where matrix.json expects a break: a fix landed upstream, or the harness is wrong. Update matrix.json if the fix is real.');
  }
  const exchange = decisiveExchange(scenario);
  if (exchange) {
    const outcome = exchange.response ? `**${exchange.response.status}**` : `no response (${text(exchange.error ?? 'transport error', 200)})`;
    lines.push(`  - **Decisive exchange** (${inlineCode(exchange.link)}): ${inlineCode(`${exchange.request.method} ${exchange.request.url}`)} → ${outcome}`);
    const body = exchange.response?.body ?? '';
    if (body) {
      const shown = capText(cleanRecordedText(body), MARKDOWN_CAPS.bodyBytes);
      const language = body.trimStart().startsWith('{') || body.trimStart().startsWith('[') ? 'json' : 'text';
      lines.push('', codeBlock(shown, language, '    '), '');
    }
  }
  const logLine = decisiveLogLine(scenario);
  if (logLine) lines.push(`  - **Decisive log line** (${escapeMarkdownInline(logLine.service)}): ${inlineCode(capText(cleanRecordedText(logLine.line), 300))}`);
  return lines;
}

function artifactLinks(cell: CellResult, options: MarkdownOptions): string {
  const links = Object.entries(cell.artifacts).map(([name, path]) => `[${escapeMarkdownInline(name)}](${linkTarget(`${options.linkBase ?? ''}${path}`)})`);
  const where = options.artifactsUrl ? ` (in the [run's artifacts](${options.artifactsUrl}))` : '';
  return links.length > 0 ? `- Full logs and exchanges${where}: ${links.join(' · ')}` : '';
}

function itemBlock(item: AttentionItem, options: MarkdownOptions): string {
  const { cell } = item;
  const style = VERDICT_STYLES[cell.verdict];
  const mark = changeMark(cell);
  const summary = `${style.emoji} <b>${escapeHtmlText(cellTitle(cell))}</b>: ${escapeHtmlText(style.label)}${mark ? ` · ${escapeHtmlText(mark)}` : ''}`;
  const lines = ['<details>', `<summary>${summary}</summary>`, ''];
  if (cell.expectation && (cell.verdict === 'expected-break' || cell.verdict === 'unexpected-pass')) {
    lines.push(`- matrix.json expects a break: ${text(cell.expectation.reason)}`);
  }
  const shown = item.scenarios.slice(0, MARKDOWN_CAPS.scenariosPerCell);
  for (const scenario of shown) lines.push(...scenarioLines(scenario));
  if (item.scenarios.length > shown.length) lines.push(`- … ${item.scenarios.length - shown.length} more scenarios in report.html`);
  if (item.scenarios.length === 0 && cell.change === 'newly-fixed') lines.push('- Every scenario that broke last time passes now.');
  const links = artifactLinks(cell, options);
  if (links) lines.push(links);
  const closing = '\n\n</details>\n\n';
  let body = lines.join('\n');
  const budget = MARKDOWN_CAPS.itemBytes - byteLength(closing);
  if (byteLength(body) > budget) {
    // Cut at a line end so no code fence or list item is left half open; the marker says how much went.
    const cut = truncateUtf8(body, budget - 200);
    const lastNewline = cut.text.lastIndexOf('\n');
    const kept = cut.text.slice(0, lastNewline > 0 ? lastNewline : cut.text.length);
    const fenceOpen = (kept.match(/^\s*```/gm) ?? []).length % 2 === 1;
    body = `${kept}${fenceOpen ? '\n    ```' : ''}\n\n${truncationMarker(byteLength(body) - byteLength(kept))}: see report.html`;
  }
  return `${body}${closing}`;
}

/** The run as GitHub-flavoured Markdown, at most `maxBytes` (default 64 KiB) long. */
export function renderMarkdown(result: RunResult, options: MarkdownOptions = {}): string {
  const maxBytes = options.maxBytes ?? MARKDOWN_MAX_BYTES;
  const fixed = [headerSection(result), gridSection(result), causesSection(result), contradictionsSection(result)].filter((part) => part !== '');
  let output = `${fixed.join('\n\n')}\n`;

  const items = attentionItems(result);
  if (items.length > 0) {
    output += '\n#### Unexpected results and changes\n\n';
    const reserve = 400;
    for (const [index, item] of items.entries()) {
      const block = itemBlock(item, options);
      if (byteLength(output) + byteLength(block) + reserve > maxBytes) {
        const left = items.slice(index);
        const leftBytes = left.reduce((sum, rest) => sum + byteLength(itemBlock(rest, options)), 0);
        output += `\n${truncationMarker(leftBytes)}: ${left.length} more unexpected or changed cell(s) are not shown; the summary is capped at ${Math.round(maxBytes / 1024)} KiB. See report.html and result.json in the artifacts.\n`;
        break;
      }
      output += block;
    }
  }
  if (options.artifactsUrl) output += `\nFull report: report.html in the [run's artifacts](${options.artifactsUrl}).\n`;
  if (byteLength(output) > maxBytes) {
    // Only reachable with a tiny maxBytes; never exceed the cap.
    const cut = truncateUtf8(output, Math.max(0, maxBytes - 80));
    output = `${cut.text}\n\n${truncationMarker(cut.omittedBytes)}\n`;
  }
  return output;
}
