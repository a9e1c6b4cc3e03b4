import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DriftReport, type DriftDifference } from '../model/drift-report.ts';
import { codeBlock, escapeMarkdownInline, inlineCode } from '../report/markdown-escape.ts';

/** Strings as they are, unless they hold a newline (the 4.13.0 content normalizer is about those): then JSON-quoted. */
const show = (value: unknown): string =>
  value === undefined ? 'absent' : typeof value === 'string' && !/\n/.test(value) ? value : (JSON.stringify(value) ?? typeof value);

function differenceLine(difference: DriftDifference): string {
  const where = difference.path === undefined ? difference.aspect : `${difference.aspect} ${inlineCode(difference.path)}`;
  const mark = difference.verdictRelevant ? ' **(verdict)**' : '';
  return `- ${where}${mark}: attached ${inlineCode(show(difference.attached).slice(0, 300))}, twin ${inlineCode(show(difference.twin).slice(0, 300))}`;
}

/** drift.md: the headline, a table of every probe, then each difference with both answers. */
export function renderDriftMarkdown(report: DriftReport): string {
  const lines = [
    '# Drift: the twin against your Chatwoot',
    '',
    `- ${escapeMarkdownInline(report.attached.label)}`,
    `- ${escapeMarkdownInline(report.twin.label)}`,
    `- ${report.summary.probes} probes, ${report.summary.different} with differences, ${report.summary.verdictRelevant} touching a verdict (exit ${report.exitCode})`,
    '',
    '| probe | request | verdict-relevant | outcome |',
    '|---|---|---|---|',
    ...report.probes.map(
      (p) =>
        `| ${inlineCode(p.id)} | ${inlineCode(p.request)} | ${p.verdictRelevant ? 'yes' : 'no'} | ${p.outcome === 'same' ? 'same' : `**different** (${p.differences.length})`} |`,
    ),
  ];
  for (const probe of report.probes.filter((p) => p.outcome === 'different')) {
    lines.push('', `## ${escapeMarkdownInline(probe.title)} (${inlineCode(probe.id)})`, '', escapeMarkdownInline(probe.why), '');
    lines.push(...probe.differences.map(differenceLine), '');
    for (const [side, answer] of [
      ['attached', probe.attached],
      ['twin', probe.twin],
    ] as const) {
      const head = answer.error ?? (answer.status === undefined ? 'delivered' : `HTTP ${answer.status}`);
      lines.push(`${side}: ${escapeMarkdownInline(head)}`, '', codeBlock(answer.body || '(no body)', 'json'), '');
    }
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

/** Writes drift.json (checked against its schema) and drift.md into `dir`. */
export async function writeDrift(report: DriftReport, dir: string): Promise<{ json: string; markdown: string }> {
  const checked = DriftReport.parse(report);
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'drift.json');
  const markdown = join(dir, 'drift.md');
  await writeFile(json, `${JSON.stringify(checked, null, 2)}\n`);
  await writeFile(markdown, renderDriftMarkdown(checked));
  return { json, markdown };
}
