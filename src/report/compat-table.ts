/**
 * The compatibility table: from a folder of past (merged) results, one page per format that says for each
 * Chatwoot × Evolution pair (per storage) whether it works or breaks, since when, and which run decided it.
 */
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, STORAGES, type Storage } from '../model/axes.ts';
import type { CellResult, RunResult } from '../model/result-schema.ts';
import { escapeHtml, safeHref } from './html-escape.ts';
import { escapeMarkdownInline, linkTarget } from './markdown-escape.ts';

export interface HistoryEntry {
  result: RunResult;
  /** Where the run's pages are, relative to the table's folder ('' when unknown): report.html beside result.json. */
  link: string;
}

export type PairState = 'works' | 'breaks';

export interface PairStatus {
  chatwoot: string;
  evolution: string;
  storage: Storage;
  state: PairState;
  /** Why it breaks: the first diagnosis of a broken compatibility scenario, else matrix.json's expectation. */
  cause?: string;
  /** The first run of the current streak: the one that decided the state. */
  since: { date: string; runId: string; link: string };
  /** The newest run that said so. */
  latest: { date: string; runId: string };
}

function stateOf(cell: CellResult): PairState | undefined {
  if (cell.status === 'pass') return 'works';
  if (cell.status === 'break') return 'breaks';
  return undefined; // error / skipped: no answer, the previous one stands
}

function causeOf(cell: CellResult): string | undefined {
  const broken = cell.scenarios.filter((scenario) => (scenario.kind ?? 'compatibility') === 'compatibility' && scenario.status === 'break');
  const diagnosed = broken.find((scenario) => scenario.diagnosis);
  return diagnosed?.diagnosis?.summary ?? cell.expectation?.reason ?? broken[0]?.title;
}

/** Every pair that had an answer in some run, with the state of its newest answer and where that streak began. */
export function compatibilityStatuses(history: readonly HistoryEntry[]): PairStatus[] {
  const ordered = [...history].sort((a, b) => a.result.startedAt.localeCompare(b.result.startedAt));
  const pairs = new Map<string, PairStatus>();
  for (const { result, link } of ordered) {
    const date = result.startedAt.slice(0, 10);
    for (const cell of result.cells) {
      const state = stateOf(cell);
      if (!state) continue;
      const key = `${cell.storage}|${cell.chatwoot}|${cell.evolution}`;
      const known = pairs.get(key);
      const cause = state === 'breaks' ? causeOf(cell) : undefined;
      const latest = { date, runId: result.runId };
      if (known && known.state === state && known.cause === cause) {
        known.latest = latest;
        continue;
      }
      pairs.set(key, {
        chatwoot: cell.chatwoot,
        evolution: cell.evolution,
        storage: cell.storage,
        state,
        ...(cause ? { cause } : {}),
        since: { date, runId: result.runId, link },
        latest,
      });
    }
  }
  return [...pairs.values()];
}

interface Axes {
  storage: Storage;
  chatwoot: string[];
  evolution: string[];
}

function axesOf(statuses: readonly PairStatus[]): Axes[] {
  return STORAGES.filter((storage) => statuses.some((status) => status.storage === storage)).map((storage) => {
    const here = statuses.filter((status) => status.storage === storage);
    return {
      storage,
      chatwoot: CHATWOOT_VERSIONS.filter((version) => here.some((status) => status.chatwoot === version)),
      evolution: EVOLUTION_VERSIONS.filter((version) => here.some((status) => status.evolution === version)),
    };
  });
}

function find(statuses: readonly PairStatus[], storage: Storage, chatwoot: string, evolution: string): PairStatus | undefined {
  return statuses.find((status) => status.storage === storage && status.chatwoot === chatwoot && status.evolution === evolution);
}

const LEGEND = 'Each cell: the newest answer of the history, since the run that first gave it (linked). Errors and skips leave the previous answer standing.';

export function renderCompatibilityMarkdown(statuses: readonly PairStatus[], runs: number): string {
  const lines = ['# Chatwoot × Evolution API compatibility', '', `From ${runs} run(s). ${LEGEND}`];
  if (statuses.length === 0) lines.push('', 'No run in the history gave an answer for any pair.');
  for (const axes of axesOf(statuses)) {
    lines.push('', `## ${axes.storage === 'local' ? 'Local storage' : 'S3 storage (MinIO)'}`, '');
    lines.push(`| Chatwoot \\ Evolution | ${axes.evolution.join(' | ')} |`, `| --- | ${axes.evolution.map(() => '---').join(' | ')} |`);
    for (const chatwoot of axes.chatwoot) {
      const cells = axes.evolution.map((evolution) => {
        const status = find(statuses, axes.storage, chatwoot, evolution);
        if (!status) return '–';
        const since = status.since.link ? `[${status.since.date}](${linkTarget(status.since.link)})` : status.since.date;
        return status.state === 'works' ? `✅ works since ${since}` : `❌ breaks (${escapeMarkdownInline(status.cause ?? 'cause unknown')}) since ${since}`;
      });
      lines.push(`| ${chatwoot} | ${cells.join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function renderCompatibilityHtml(statuses: readonly PairStatus[], runs: number): string {
  const sections = axesOf(statuses).map((axes) => {
    const head = axes.evolution.map((evolution) => `<th scope="col">Evolution ${escapeHtml(evolution)}</th>`).join('');
    const rows = axes.chatwoot.map((chatwoot) => {
      const cells = axes.evolution.map((evolution) => {
        const status = find(statuses, axes.storage, chatwoot, evolution);
        if (!status) return '<td class="none">–</td>';
        const href = status.since.link ? safeHref(linkTarget(status.since.link)) : undefined;
        const since = href ? `<a href="${escapeHtml(href)}">${escapeHtml(status.since.date)}</a>` : escapeHtml(status.since.date);
        const title = `decided by ${status.since.runId}; latest ${status.latest.runId} (${status.latest.date})`;
        return status.state === 'works'
          ? `<td class="works" title="${escapeHtml(title)}">✅ works since ${since}</td>`
          : `<td class="breaks" title="${escapeHtml(title)}">❌ breaks (${escapeHtml(status.cause ?? 'cause unknown')}) since ${since}</td>`;
      });
      return `<tr><th scope="row">Chatwoot ${escapeHtml(chatwoot)}</th>${cells.join('')}</tr>`;
    });
    const caption = axes.storage === 'local' ? 'Local storage' : 'S3 storage (MinIO)';
    return `<table><caption>${caption}</caption><thead><tr><th></th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
  });
  const empty = statuses.length === 0 ? '<p>No run in the history gave an answer for any pair.</p>' : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chatwoot × Evolution API compatibility</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1f2328}table{border-collapse:collapse;margin:1rem 0}caption{text-align:left;font-weight:600;padding:.4rem 0}th,td{border:1px solid #d0d7de;padding:.4rem .6rem;text-align:left;vertical-align:top;overflow-wrap:anywhere;max-width:22rem}td.works{background:#dafbe1}td.breaks{background:#ffebe9}td.none{color:#656d76}</style>
</head><body><h1>Chatwoot × Evolution API compatibility</h1><p>From ${runs} run(s). ${escapeHtml(LEGEND)}</p>${empty}${sections.join('\n')}</body></html>
`;
}
