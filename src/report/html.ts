/**
 * report.html: one self-contained page (inline CSS and script, no fetches; a Content-Security-Policy
 * with hashes enforces that). The backend banner comes first, then the verdict, the grid with colours
 * and legend, seed contradictions, and for each cell its scenarios with diagnosis, remedy, the decisive
 * exchange highlighted, the other exchanges collapsed, and log excerpts. The result JSON is embedded
 * (with the same per-item caps) for anyone who wants to script against the page.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { CellResult, Exchange, LogExcerpt, RunResult, ScenarioResult } from '../model/result-schema.ts';
import { GUIDE_NAME, GUIDE_SHORT } from '../verdict/troubleshooting-guide.ts';
import { causeGroups, compactCells, groupCounts, type CauseGroup } from './cause-groups.ts';
import type { PackedArchive } from './html/evidence-archive.ts';
import { REPORT_SCRIPT } from './html/report-script.ts';
import { REPORT_STYLES } from './html/report-styles.ts';
import { escapeHtml, safeHref } from './html-escape.ts';
import { linkTarget } from './markdown-escape.ts';
import { overallVerdict } from './report-headline.ts';
import { capLines, capText, cleanRecordedText, formatDuration, truncateUtf8, truncationMarker } from './report-text.ts';
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
  servicesLine,
} from './report-view.ts';

/** What the page shows per item; the artifacts hold everything. */
export const HTML_CAPS = {
  bodyBytes: 32 * 1024,
  /** Bodies of the exchanges that did not decide the scenario: the whole exchange is in the cell's packed evidence. */
  otherBodyBytes: 512,
  textBytes: 8 * 1024,
  logLines: 500,
  logBytes: 32 * 1024,
  exchangesPerScenario: 200,
  /** Per body and per log excerpt in the embedded JSON copy. */
  embeddedBodyBytes: 16 * 1024,
  embeddedLogLines: 500,
} as const;

export interface HtmlOptions {
  /** Prefix for artifact links (relative from report.html to result.json's directory). */
  linkBase?: string;
  /** Per cell id: its full evidence, packed (readEvidenceArchives); embedded and unpacked on demand. */
  evidence?: ReadonlyMap<string, PackedArchive>;
}

const h = escapeHtml;

function text(value: string, maxBytes: number = HTML_CAPS.textBytes): string {
  return h(capText(cleanRecordedText(value), maxBytes));
}

function sha256(content: string): string {
  return `'sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}'`;
}

function domId(prefix: string, id: string): string {
  return `${prefix}-${id.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

function verdictBadge(verdict: ScenarioResult['verdict']): string {
  const style = VERDICT_STYLES[verdict];
  return `<span class="badge v-${verdict}">${h(style.symbol)} ${h(style.label)}</span>`;
}

function changeBadge(cell: CellResult): string {
  if (!cell.change) return '';
  const was = cell.previousVerdict ? ` (was ${VERDICT_STYLES[cell.previousVerdict].label})` : '';
  return `<span class="chg chg-${cell.change}" title="${h(`${CHANGE_LABELS[cell.change]}${was}`)}">${h(CHANGE_LABELS[cell.change])}</span>`;
}

function bannerSection(result: RunResult): string {
  const backend = backendView(result);
  const kindClass =
    backend.kind === 'attach'
      ? 'banner-attach'
      : backend.standIns
        ? 'banner-standin'
        : backend.kind === 'docker-upstream'
          ? 'banner-upstream'
          : 'banner-attach';
  const warning = backend.warning ? `<p>⚠ ${h(backend.warning)}</p>` : '';
  return `<div class="banner ${kindClass}" id="backend" data-backend="${h(backend.kind)}">
Backend: ${h(backend.label)}${warning}<p>Why this backend: ${text(result.backendReason)}</p></div>`;
}

function headerSection(result: RunResult): string {
  const overall = overallVerdict(result);
  const symbol = overall.kind === 'ok' ? '✓' : overall.kind === 'unexpected' ? '✗' : '!';
  const compare = result.compare
    ? `<p class="meta">Compared with <code>${text(result.compare.previous, 1024)}</code>: ${
        result.compare.changedCells.length === 0 ? 'no cell changed its verdict' : `${result.compare.changedCells.length} cell(s) changed`
      }.</p>`
    : '';
  const services = result.services ? `<p class="meta">Services: ${h(servicesLine(result.services, result.backend))}.</p>` : '';
  const warnings =
    (result.warnings ?? []).length > 0
      ? `<ul class="warnings">${(result.warnings ?? []).map((warning) => `<li class="seed">⚠ ${text(warning, 2048)}</li>`).join('')}</ul>`
      : '';
  return `<header>
<h1>evochat-matrix report</h1>
<p class="verdict verdict-${overall.kind}" id="verdict">${symbol} ${text(overall.headline)}</p>
<p class="meta">${h(overall.counts)} · run <code>${text(result.runId, 256)}</code> · started ${text(result.startedAt, 64)} · ${h(formatDuration(result.durationMs))} · evochat-matrix ${text(result.tool.version, 64)} · exit code ${result.exitCode}</p>
<p class="meta">Command: <code>${text(result.command, 2048)}</code>${result.matrixFile ? ` · matrix <code>${text(result.matrixFile, 1024)}</code>` : ''}</p>
${services}${compare}${warnings}
</header>`;
}

function gridSection(result: RunResult): string {
  const tables = gridViews(result).map((grid) => {
    const head = grid.columns.map((evolution) => `<th scope="col">Evolution ${h(evolution)}</th>`).join('');
    const rows = grid.rows.map((chatwoot) => {
      const cells = grid.columns.map((evolution) => {
        const cell = grid.cell(chatwoot, evolution);
        if (!cell) return `<td><div class="not-run">${h(NOT_RUN_STYLE.symbol)} ${h(NOT_RUN_STYLE.label)}</div></td>`;
        const style = VERDICT_STYLES[cell.verdict];
        const label = `${cellTitle(cell)}: ${style.label}${cell.change ? `, ${CHANGE_LABELS[cell.change]}` : ''}`;
        return `<td><button type="button" class="cell v-${cell.verdict}" data-open-cell="${h(cell.id)}" data-verdict="${cell.verdict}" aria-expanded="false" aria-controls="${h(domId('detail', cell.id))}" title="${h(label)}"><span class="sym">${h(style.symbol)}</span><span class="lbl">${h(style.label)}</span>${changeBadge(cell)}</button></td>`;
      });
      return `<tr><th scope="row">Chatwoot ${h(chatwoot)}</th>${cells.join('')}</tr>`;
    });
    return `<table class="grid" data-storage="${grid.storage}"><caption>Storage: ${h(grid.storage)}</caption><thead><tr><th></th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
  });
  const legend = VERDICT_ORDER.map((verdict) => {
    const style = VERDICT_STYLES[verdict];
    return `<li><span class="swatch v-${verdict}">${h(style.symbol)}</span><b>${h(style.label)}</b>: ${h(style.meaning)}</li>`;
  });
  legend.push(`<li><span class="swatch not-run-swatch">${h(NOT_RUN_STYLE.symbol)}</span><b>${h(NOT_RUN_STYLE.label)}</b>: ${h(NOT_RUN_STYLE.meaning)}</li>`);
  if (result.compare)
    legend.push(
      '<li><span class="chg">newly broken</span> / <span class="chg">newly fixed</span> / <span class="chg">changed</span>: verdict moved since the previous run</li>',
    );
  return `<section id="matrix"><h2>Matrix <small class="meta">rows: Chatwoot · columns: Evolution API · click a cell</small></h2>
<div class="grids">${tables.join('\n')}</div>
<ul class="legend" id="legend">${legend.join('')}</ul></section>`;
}

const CAUSE_CLASS: Readonly<Record<CauseGroup['order'], string>> = { 0: 'v-unexpected-break', 1: 'v-error', 2: 'v-expected-break', 3: 'v-skipped' };

/** Below the grid, as in the terminal: every break and error by cause, with its cells, expected or not. */
function causesSection(result: RunResult): string {
  const groups = causeGroups(result);
  if (groups.length === 0) return '';
  const entries = groups.map((group) => {
    const cells = group.cells.map((id) => `<button type="button" class="linklike" data-open-cell="${h(id)}"><code>${h(id)}</code></button>`).join(' ');
    const remedy = group.remedy ? `<p class="cause-remedy"><b>Remedy:</b> ${text(group.remedy)}</p>` : '';
    const example = group.example ? `<p class="cause-evidence"><b>Evidence:</b> <code>${text(group.example, 1024)}</code></p>` : '';
    const guide = group.contradictsSeed ? `<p class="seed">This run contradicts ${h(GUIDE_SHORT)} here (see below).</p>` : '';
    return `<li class="cause" data-cause="${h(group.rule ?? group.label)}" data-order="${group.order}"><p class="cause-head"><span class="badge ${CAUSE_CLASS[group.order]}">${h(group.label)}</span> ${h(groupCounts(group))}</p>
<p class="cause-summary">${text(group.summary)}</p>${remedy}<p class="cause-cells"><b>Cells:</b> ${h(compactCells(result, group.cells))}: ${cells}</p><p class="cause-scenarios"><b>Scenarios:</b> ${group.scenarios.map((id) => `<code>${h(id)}</code>`).join(', ')}</p>${example}${guide}</li>`;
  });
  return `<section id="causes"><h2>Breaks and errors, grouped by cause</h2><ul class="causes">${entries.join('\n')}</ul></section>`;
}

function attentionSection(result: RunResult): string {
  const items = attentionItems(result);
  if (items.length === 0) return '';
  const entries = items.map(({ cell }) => {
    const was = cell.change && cell.previousVerdict ? ` (was ${VERDICT_STYLES[cell.previousVerdict].label})` : '';
    return `<li>${verdictBadge(cell.verdict)} <button type="button" class="linklike" data-open-cell="${h(cell.id)}">${h(cellTitle(cell))}</button>${cell.change ? ` · ${h(CHANGE_LABELS[cell.change])}${h(was)}` : ''}</li>`;
  });
  return `<section id="attention"><h2>Unexpected results and changes</h2><ul class="attention">${entries.join('')}</ul></section>`;
}

function contradictionsSection(result: RunResult): string {
  if (result.seedContradictions.length === 0) return '';
  const entries = result.seedContradictions.map((contradiction) => {
    const cells = contradiction.cells.map((id) => `<button type="button" class="linklike" data-open-cell="${h(id)}"><code>${h(id)}</code></button>`).join(', ');
    return `<li class="seed"><b>The guide says:</b> ${text(contradiction.claim)}<br><b>Observed:</b> ${text(contradiction.observed)}${cells ? `<br>Cells: ${cells}` : ''}</li>`;
  });
  return `<section id="seed-contradictions"><h2>Where ${h(GUIDE_NAME)} is contradicted</h2><ul class="refs">${entries.join('')}</ul></section>`;
}

function statusClass(exchange: Exchange): string {
  if (!exchange.response) return 's-none';
  return `s${Math.floor(exchange.response.status / 100)}xx`;
}

/** JSON bodies pretty-printed (when they fit the cap) so a 422's message is readable. */
function bodyBlock(body: string, truncatedByRecorder: boolean, extraClass = '', maxBytes: number = HTML_CAPS.bodyBytes): string {
  let shown = cleanRecordedText(body);
  if (/^\s*[[{]/.test(shown) && shown.length <= maxBytes) {
    try {
      shown = JSON.stringify(JSON.parse(shown), null, 2);
    } catch {
      // Not JSON after all: show it as recorded.
    }
  }
  const cut = truncateUtf8(shown, maxBytes);
  const marker = cut.omittedBytes > 0 ? `\n<span class="marker">${h(truncationMarker(cut.omittedBytes))}</span>` : '';
  const recorder = truncatedByRecorder ? '\n<span class="marker">… truncated by the recorder (full exchange in the artifacts)</span>' : '';
  return `<pre class="body ${extraClass}">${h(cut.text)}${marker}${recorder}</pre>`;
}

function headersBlock(headers: Record<string, string>): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return lines.length === 0 ? '<pre class="headers">(none)</pre>' : `<pre class="headers">${text(lines.join('\n'), HTML_CAPS.textBytes)}</pre>`;
}

function exchangeHead(exchange: Exchange): string {
  const outcome = exchange.response
    ? `<span class="status ${statusClass(exchange)}">${exchange.response.status}</span>`
    : `<span class="status s-none">no response</span> ${text(exchange.error ?? '', 1024)}`;
  return `<code>${h(exchange.link)}</code> <b>${h(exchange.request.method)}</b> <code class="url">${text(exchange.request.url, 4096)}</code> → ${outcome} <span class="dur">${h(formatDuration(exchange.durationMs))}</span>`;
}

function exchangeParts(exchange: Exchange, decisive: boolean): string {
  const maxBytes = decisive ? HTML_CAPS.bodyBytes : HTML_CAPS.otherBodyBytes;
  const request = `<div><h5>Request headers</h5>${headersBlock(exchange.request.headers)}<h5>Request body</h5>${
    exchange.request.body ? bodyBlock(exchange.request.body, exchange.request.bodyTruncated, '', maxBytes) : '<pre>(empty)</pre>'
  }</div>`;
  const failed = !exchange.response || exchange.response.status >= 400;
  const response = exchange.response
    ? `<div><h5>Response headers</h5>${headersBlock(exchange.response.headers)}<h5>Response body</h5>${
        exchange.response.body
          ? bodyBlock(exchange.response.body, exchange.response.bodyTruncated, decisive && failed ? 'body-error' : '', maxBytes)
          : '<pre>(empty)</pre>'
      }</div>`
    : `<div><h5>No response</h5><pre class="body-error">${text(exchange.error ?? 'unknown transport error')}</pre></div>`;
  return `<div class="ex-parts">${request}${response}</div>`;
}

function exchangesBlock(scenario: ScenarioResult, open: boolean): string {
  const decisive = decisiveExchange(scenario);
  const parts: string[] = [];
  if (decisive) {
    parts.push(
      `<h4>Decisive exchange</h4><div class="exchange decisive" data-exchange-id="${h(decisive.id)}"><div class="ex-head"><span class="badge v-unexpected-break">decisive</span> ${exchangeHead(decisive)}</div>${exchangeParts(decisive, true)}</div>`,
    );
  }
  const others = scenario.evidence.exchanges.filter((exchange) => exchange !== decisive);
  if (others.length > 0) {
    const shown = others.slice(0, HTML_CAPS.exchangesPerScenario);
    const items = shown.map(
      (exchange) =>
        `<details class="exchange" data-exchange-id="${h(exchange.id)}"><summary>${exchangeHead(exchange)}</summary>${exchangeParts(exchange, false)}</details>`,
    );
    const more = others.length - shown.length;
    if (more > 0) items.push(`<p class="marker">… ${more} more exchanges not shown (see the exchanges artifact)</p>`);
    parts.push(
      `<details class="exchanges"${open && !decisive ? ' open' : ''}><summary>${decisive ? 'Other exchanges' : 'Exchanges'} (${others.length})</summary>${items.join('')}</details>`,
    );
  }
  return parts.join('');
}

function logBlock(excerpt: LogExcerpt, highlight: string | undefined, open: boolean): string {
  const capped = capLines(excerpt.lines.map(cleanRecordedText), HTML_CAPS.logLines, HTML_CAPS.logBytes);
  const cleanHighlight = highlight === undefined ? undefined : cleanRecordedText(highlight);
  const lines = capped.lines.map((line) => (cleanHighlight !== undefined && line === cleanHighlight ? `<mark>${h(line)}</mark>` : h(line)));
  if (capped.omittedLines > 0) lines.push(`<span class="marker">… truncated (${capped.omittedLines} lines, ${capped.omittedBytes} bytes more)</span>`);
  if (excerpt.truncated) lines.push('<span class="marker">… excerpt truncated by the recorder (full log in the artifacts)</span>');
  return `<details class="log"${open ? ' open' : ''}><summary>${h(excerpt.service)} log (${excerpt.lines.length} lines)</summary><pre class="log-lines">${lines.join('\n')}</pre></details>`;
}

function referenceItem(reference: string): string {
  const href = /^https?:\/\//i.test(reference) ? safeHref(reference) : undefined;
  return href ? `<li><a href="${h(href)}" rel="noreferrer">${text(reference, 1024)}</a></li>` : `<li><code>${text(reference, 1024)}</code></li>`;
}

function scenarioBlock(scenario: ScenarioResult): string {
  const open = scenario.status === 'break' || scenario.status === 'error' || scenario.verdict === 'unexpected-pass';
  const body: string[] = [];
  if (scenario.message) body.push(`<p class="message">${text(scenario.message)}</p>`);
  if (scenario.skipReason) body.push(`<p class="skip-reason">Skipped: ${text(scenario.skipReason)}</p>`);
  if (scenario.errorCode) body.push(`<p>Code: <code>${text(scenario.errorCode, 256)}</code></p>`);
  if (scenario.verdict === 'unexpected-pass')
    body.push('<p>Passed where matrix.json expects a break: a fix landed upstream, or the harness is wrong. Update matrix.json if the fix is real.</p>');
  const diagnosis = scenario.diagnosis;
  if (diagnosis) {
    const references = diagnosis.references.length > 0 ? `<ul class="refs">${diagnosis.references.map(referenceItem).join('')}</ul>` : '';
    const seed = diagnosis.contradictsSeed ? `<p class="seed">Contradicts ${h(GUIDE_SHORT)}, which said: ${text(diagnosis.contradictsSeed)}</p>` : '';
    body.push(
      `<div class="diagnosis"><h4>Diagnosis <code>${text(diagnosis.rule, 256)}</code></h4><p class="diagnosis-summary">${text(diagnosis.summary)}</p><h4>Remedy</h4><p class="remedy">${text(diagnosis.remedy)}</p>${references}${seed}</div>`,
    );
  }
  body.push(`<p class="meta">Symptom or common advice it checks: ${text(scenario.seedSymptom, 1024)}</p>`);
  body.push(exchangesBlock(scenario, open));
  const logLine = decisiveLogLine(scenario);
  if (logLine) body.push(`<h4>Decisive log line (${h(logLine.service)})</h4><pre class="body-error">${text(logLine.line)}</pre>`);
  if (scenario.evidence.logs.length > 0) {
    body.push('<h4>Log excerpts</h4>');
    for (const excerpt of scenario.evidence.logs) {
      const highlight = logLine && logLine.service === excerpt.service ? logLine.line : undefined;
      body.push(logBlock(excerpt, highlight, open));
    }
  }
  return `<details class="scenario b-${scenario.verdict}" data-scenario="${h(scenario.id)}" data-status="${scenario.status}"${open ? ' open' : ''}>
<summary>${verdictBadge(scenario.verdict)}${scenario.kind === 'fault' ? ' <span class="badge v-skipped" title="a misconfiguration injected on purpose: expected to break">fault injected</span>' : ''} <code>${h(scenario.id)}</code> ${text(scenario.title, 1024)} <span class="dur">${h(formatDuration(scenario.durationMs))}</span></summary>
<div class="scenario-body">${body.join('\n')}</div></details>`;
}

function factsList(result: RunResult, cell: CellResult, linkBase: string): string {
  const facts: [string, string][] = [
    ['Verdict', `${verdictBadge(cell.verdict)} (scenarios: ${h(cell.status)})`],
    ['Duration', h(formatDuration(cell.durationMs))],
  ];
  if (cell.change) {
    facts.push(['Since the previous run', `${changeBadge(cell)} was ${cell.previousVerdict ? verdictBadge(cell.previousVerdict) : 'unknown'}`]);
  } else if (cell.previousVerdict) {
    facts.push(['Since the previous run', 'unchanged']);
  }
  if (cell.expectation) {
    const references = cell.expectation.references.length > 0 ? `<ul class="refs">${cell.expectation.references.map(referenceItem).join('')}</ul>` : '';
    facts.push([
      'matrix.json expects a break',
      `${text(cell.expectation.reason)} (${cell.expectation.scenarios.map((id) => `<code>${h(id)}</code>`).join(', ')})${references}`,
    ]);
  }
  const images = Object.entries(cell.images).map(([name, digest]) => `<code>${text(name, 512)}</code> ${text(digest, 512)}`);
  facts.push([result.backend === 'docker' ? 'Images' : 'Services', images.join('<br>') || '—']);
  const artifacts = Object.entries(cell.artifacts).map(([name, path]) => {
    const href = safeHref(linkTarget(`${linkBase}${path}`));
    return href ? `<a href="${h(href)}">${h(name)}</a> <code>${text(path, 1024)}</code>` : `${h(name)} <code>${text(path, 1024)}</code>`;
  });
  if (artifacts.length > 0) facts.push(['Artifacts', artifacts.join('<br>')]);
  return `<dl class="facts">${facts.map(([term, value]) => `<dt>${h(term)}</dt><dd>${value}</dd>`).join('')}</dl>`;
}

/** The cell's packed full evidence and the button that unpacks it (report-script.ts). */
function fullEvidence(cell: CellResult, packed: PackedArchive | undefined): string {
  if (!packed) return '';
  const id = domId('evidence', cell.id);
  return `<div class="full-evidence"><button type="button" class="load-evidence" data-load-evidence="${h(id)}">Show all ${packed.exchanges} recorded exchanges and ${packed.logs} full logs of this cell</button> <span class="meta">(packed in this page, unpacked here; nothing is fetched)</span><div class="evidence-out" data-evidence-out="${h(id)}"></div>
<script type="application/octet-stream" id="${h(id)}" data-encoding="gzip+base64">${packed.data}</script></div>`;
}

function cellDetail(result: RunResult, cell: CellResult, linkBase: string, packed: PackedArchive | undefined): string {
  return `<article class="cell-detail" id="${h(domId('detail', cell.id))}" data-cell="${h(cell.id)}">
<h2>${verdictBadge(cell.verdict)} ${h(cellTitle(cell))} ${changeBadge(cell)}</h2>
${factsList(result, cell, linkBase)}
${fullEvidence(cell, packed)}
<h3>Scenarios (${cell.scenarios.length})</h3>
${cell.scenarios.map(scenarioBlock).join('\n')}
</article>`;
}

function capExchange(exchange: Exchange): Exchange {
  const capBody = (body: string, truncated: boolean) => {
    const cut = truncateUtf8(body, HTML_CAPS.embeddedBodyBytes);
    return cut.omittedBytes === 0 ? { body, bodyTruncated: truncated } : { body: `${cut.text}${truncationMarker(cut.omittedBytes)}`, bodyTruncated: true };
  };
  return {
    ...exchange,
    request: { ...exchange.request, ...capBody(exchange.request.body, exchange.request.bodyTruncated) },
    response: exchange.response ? { ...exchange.response, ...capBody(exchange.response.body, exchange.response.bodyTruncated) } : null,
  };
}

/** The embedded copy of the result, with the same kind of caps as the page (marked, never silent). */
export function resultForEmbedding(result: RunResult): RunResult {
  return {
    ...result,
    cells: result.cells.map((cell) => ({
      ...cell,
      scenarios: cell.scenarios.map((scenario) => ({
        ...scenario,
        ...(scenario.message === undefined ? {} : { message: capText(scenario.message, HTML_CAPS.textBytes) }),
        evidence: {
          ...scenario.evidence,
          exchanges: scenario.evidence.exchanges.map(capExchange),
          logs: scenario.evidence.logs.map((excerpt) => {
            const capped = capLines(excerpt.lines, HTML_CAPS.embeddedLogLines, HTML_CAPS.embeddedBodyBytes);
            if (capped.omittedLines === 0) return excerpt;
            return {
              ...excerpt,
              lines: [...capped.lines, `… truncated (${capped.omittedLines} lines, ${capped.omittedBytes} bytes more)`],
              truncated: true,
            };
          }),
        },
      })),
    })),
  };
}

/** The embedded copy, compressed: as JSON it would be most of the page. Base64 carries no `<`, so it cannot close the script. */
function packResult(result: RunResult): string {
  return gzipSync(JSON.stringify(result), { level: 9 }).toString('base64');
}

/** The run as one self-contained HTML page. */
export function renderHtml(result: RunResult, options: HtmlOptions = {}): string {
  const linkBase = options.linkBase ?? '';
  const overall = overallVerdict(result);
  const csp = [
    "default-src 'none'",
    `style-src ${sha256(REPORT_STYLES)}`,
    `script-src ${sha256(REPORT_SCRIPT)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="evochat-matrix ${h(result.tool.version)}">
<title>evochat-matrix: ${text(overall.headline, 300)}</title>
<style>${REPORT_STYLES}</style>
</head>
<body>
${bannerSection(result)}
${headerSection(result)}
<main>
${gridSection(result)}
${causesSection(result)}
${attentionSection(result)}
${contradictionsSection(result)}
<section id="details"><h2>Cells</h2>
<p id="detail-hint">Click a cell in the grid to see its scenarios, diagnosis, exchanges and logs.</p>
${result.cells.map((cell) => cellDetail(result, cell, linkBase, options.evidence?.get(cell.id))).join('\n')}
</section>
</main>
<footer>Self-contained report: no server, no network. The result it was rendered from is embedded below (script#evochat-result: JSON, gzip, base64; long bodies and logs capped with a marker), and each cell's full evidence beside the cell.</footer>
<script type="application/octet-stream" id="evochat-result" data-encoding="gzip+base64">${packResult(resultForEmbedding(result))}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
