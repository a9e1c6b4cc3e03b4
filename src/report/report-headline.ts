/**
 * The one verdict line every human-facing report starts with. It names the problem cells the way the
 * exit code counts them (history.ts `listProblems`): one cell, one problem.
 */
import type { RunResult } from '../model/result-schema.ts';
import { listProblems, type ProblemReason } from './history.ts';

export type OverallKind = 'ok' | 'unexpected' | 'error';

export interface OverallVerdict {
  kind: OverallKind;
  /** One sentence, verdict first. */
  headline: string;
  /** "12 cells: 6 pass, 4 expected break, …" */
  counts: string;
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

const REASON_LABELS: Readonly<Record<ProblemReason, string>> = {
  'unexpected-break': 'unexpected break',
  'unexpected-pass': 'unexpected pass',
  'newly-broken': 'newly broken',
};

/** How many problem cells the headline names one by one before it only counts. */
const NAMED_PROBLEMS = 3;

export function overallVerdict(result: RunResult): OverallVerdict {
  const { summary } = result;
  const countParts: string[] = [];
  const add = (count: number, label: string) => {
    if (count > 0) countParts.push(`${count} ${label}`);
  };
  add(summary.pass, 'pass');
  add(summary.expectedBreak, 'expected break');
  add(summary.unexpectedBreak, 'unexpected break');
  add(summary.unexpectedPass, 'unexpected pass');
  add(summary.error, 'infrastructure error');
  add(summary.skipped, 'skipped');
  const counts = `${plural(summary.cells, 'cell')}${countParts.length > 0 ? `: ${countParts.join(', ')}` : ''}`;

  const problems = listProblems(result);
  if (problems.length > 0) {
    const lead = `${plural(problems.length, 'problem')}: `;
    if (problems.length <= NAMED_PROBLEMS) {
      const named = problems.map((problem) => `${problem.title} (${problem.reasons.map((reason) => REASON_LABELS[reason]).join(', ')})`);
      return { kind: 'unexpected', headline: `${lead}${named.join('; ')}`, counts };
    }
    const byReason = (reason: ProblemReason) => problems.filter((problem) => problem.reasons.includes(reason)).length;
    const parts = [
      [byReason('unexpected-break'), 'unexpected break', 'unexpected breaks'],
      [byReason('unexpected-pass'), 'unexpected pass', 'unexpected passes'],
      [byReason('newly-broken'), 'newly broken', 'newly broken'],
    ] as const;
    const listed = parts.filter(([count]) => count > 0).map(([count, singular, many]) => plural(count, singular, many));
    return { kind: 'unexpected', headline: `${lead}${listed.join(', ')} (a cell can be both)`, counts };
  }
  const errors = result.cells.filter((cell) => cell.verdict === 'error').length;
  if (errors > 0) return { kind: 'error', headline: `${plural(errors, 'cell')} failed on infrastructure before a verdict`, counts };
  if (result.cells.length === 0) return { kind: 'error', headline: 'No cell ran', counts };
  if (result.exitCode === 3) return { kind: 'error', headline: 'The run failed on infrastructure (exit code 3)', counts };
  return { kind: 'ok', headline: 'Everything as expected', counts };
}
