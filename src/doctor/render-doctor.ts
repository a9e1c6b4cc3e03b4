import { SECTION_TITLES } from './doctor-check.ts';
import type { CheckStatus } from './check-outcome.ts';
import type { DoctorRun } from './run-doctor.ts';

const SYMBOLS: Record<CheckStatus, string> = { pass: '✓', warn: '!', fail: '✗', error: '!', skip: '·' };
const LABELS: Record<CheckStatus, string> = { pass: 'pass', warn: 'warn', fail: 'FAIL', error: 'ERROR', skip: 'skip' };
const COLOURS: Record<CheckStatus, string> = { pass: '32', warn: '33', fail: '31', error: '35', skip: '90' };

export interface RenderOptions {
  colour: boolean;
  /** Show evidence for passing checks too. */
  verbose?: boolean;
  /** The header line: what was checked. */
  target: string;
}

/** NO_COLOR, a dumb terminal or a pipe: no colour (peers-and-conventions.md §5). */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

/** The sectioned terminal table: one row per check, evidence and the fix under every row that needs attention. */
export function renderDoctor(run: DoctorRun, options: RenderOptions): string {
  const paint = (status: CheckStatus, text: string) => (options.colour ? `\u001b[${COLOURS[status]}m${text}\u001b[0m` : text);
  const titleWidth = Math.min(60, Math.max(...run.reports.map((report) => report.check.title.length)));
  const lines = [`evochat-matrix doctor: ${options.target}`, ''];
  let section: string | undefined;
  for (const { check, outcome } of run.reports) {
    if (check.section !== section) {
      section = check.section;
      lines.push(SECTION_TITLES[check.section]);
    }
    lines.push(
      `  ${paint(outcome.status, `${SYMBOLS[outcome.status]} ${LABELS[outcome.status].padEnd(5)}`)} ${check.title.padEnd(titleWidth)}  ${outcome.summary}`,
    );
    const detailed = options.verbose || (outcome.status !== 'pass' && outcome.status !== 'skip');
    if (detailed) {
      for (const line of outcome.evidence) lines.push(`          · ${line}`);
      if (outcome.remedy) lines.push(`          fix: ${outcome.remedy}`);
      if (outcome.references && outcome.references.length > 0) lines.push(`          see: ${outcome.references.join(', ')}`);
    }
  }
  const counts = new Map<CheckStatus, number>();
  for (const { outcome } of run.reports) counts.set(outcome.status, (counts.get(outcome.status) ?? 0) + 1);
  const order: CheckStatus[] = ['fail', 'error', 'warn', 'pass', 'skip'];
  const tally = order
    .filter((status) => counts.get(status))
    .map((status) => `${counts.get(status)} ${LABELS[status].toLowerCase()}`)
    .join(', ');
  lines.push('', `${tally} — exit ${run.exitCode}${run.unsupported ? ` (unsupported target: ${run.unsupported})` : ''}`);
  return `${lines.join('\n')}\n`;
}
