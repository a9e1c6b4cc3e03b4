/**
 * `--compare PREVIOUS.json`: marks each cell whose verdict moved since the previous run, and decides
 * the exit code so that one cell is one problem, however many ways it is news.
 */
import { ExitCodes, type ExitCode } from '../errors/index.ts';
import type { CellResult, RunResult, Verdict } from '../model/result-schema.ts';
import { cellTitle } from './report-view.ts';

export type CellChange = NonNullable<CellResult['change']>;

type Health = 'works' | 'broken' | 'unknown';

function health(verdict: Verdict): Health {
  switch (verdict) {
    case 'pass':
    case 'unexpected-pass':
      return 'works';
    case 'expected-break':
    case 'unexpected-break':
      return 'broken';
    case 'error':
    case 'skipped':
      return 'unknown';
  }
}

/**
 * How a cell's verdict moved: works → broken is `newly-broken`, broken → works is `newly-fixed`, any
 * other difference (e.g. pass → error, expected-break → unexpected-break) is `changed`; equal is no change.
 */
export function classifyChange(previous: Verdict, current: Verdict): CellChange | undefined {
  if (previous === current) return undefined;
  const before = health(previous);
  const after = health(current);
  if (before === 'works' && after === 'broken') return 'newly-broken';
  if (before === 'broken' && after === 'works') return 'newly-fixed';
  return 'changed';
}

function cellKey(cell: Pick<CellResult, 'chatwoot' | 'evolution' | 'storage'>): string {
  return `${cell.chatwoot}|${cell.evolution}|${cell.storage}`;
}

export interface CompareOptions {
  /** Recorded as `compare.previous` (e.g. the previous file's path); defaults to the previous runId. */
  previousLabel?: string;
}

/**
 * A copy of `current` with `cells[].change` / `previousVerdict` set, `compare` filled and `exitCode`
 * recomputed by {@link exitCodeWithHistory}. Cells are matched by (chatwoot, evolution, storage); a cell
 * the previous run did not have gets no mark. Marks already in `current` are replaced.
 */
export function compareResults(current: RunResult, previous: RunResult, options: CompareOptions = {}): RunResult {
  const previousByKey = new Map(previous.cells.map((cell) => [cellKey(cell), cell]));
  const cells = current.cells.map((cell): CellResult => {
    const { change: _oldChange, previousVerdict: _oldPrevious, ...rest } = cell;
    const before = previousByKey.get(cellKey(cell));
    if (!before) return rest;
    const change = classifyChange(before.verdict, cell.verdict);
    return change ? { ...rest, change, previousVerdict: before.verdict } : { ...rest, previousVerdict: before.verdict };
  });
  const marked: RunResult = {
    ...current,
    cells,
    compare: {
      previous: options.previousLabel ?? previous.runId,
      changedCells: cells.filter((cell) => cell.change !== undefined).map((cell) => cell.id),
    },
  };
  return { ...marked, exitCode: exitCodeWithHistory(marked) };
}

export type ProblemReason = 'unexpected-break' | 'unexpected-pass' | 'newly-broken';

/** One cell the exit code fails on, with every reason it is news. */
export interface Problem {
  cellId: string;
  title: string;
  reasons: ProblemReason[];
}

/**
 * The cells that make a run fail, one entry per cell: an unexpected verdict, or newly broken since the
 * previous run (even where matrix.json expects the break: it worked last time, so something moved).
 * A cell that is newly broken AND an unexpected break is one problem with two reasons, not two problems.
 */
export function listProblems(result: RunResult): Problem[] {
  const problems: Problem[] = [];
  for (const cell of result.cells) {
    const reasons: ProblemReason[] = [];
    if (cell.verdict === 'unexpected-break' || cell.verdict === 'unexpected-pass') reasons.push(cell.verdict);
    if (cell.change === 'newly-broken') reasons.push('newly-broken');
    if (reasons.length > 0) problems.push({ cellId: cell.id, title: cellTitle(cell), reasons });
  }
  return problems;
}

/**
 * The run's exit code with history taken into account (DESIGN.md §5):
 * - 2 stays 2 (usage or configuration);
 * - 1 when {@link listProblems} finds any cell (each cell counted once);
 * - otherwise the runner's own non-zero code (1 or 3) stands — history never hides a failure;
 * - otherwise 3 when a cell ended in an infrastructure error, else 0.
 * A newly-fixed cell is good news and never fails the run.
 */
export function exitCodeWithHistory(result: RunResult): ExitCode {
  if (result.exitCode === ExitCodes.usage) return ExitCodes.usage;
  if (listProblems(result).length > 0) return ExitCodes.unexpected;
  if (result.exitCode === ExitCodes.unexpected || result.exitCode === ExitCodes.infrastructure) return result.exitCode;
  if (result.exitCode !== ExitCodes.ok) return ExitCodes.infrastructure;
  if (result.cells.some((cell) => cell.verdict === 'error')) return ExitCodes.infrastructure;
  return ExitCodes.ok;
}
