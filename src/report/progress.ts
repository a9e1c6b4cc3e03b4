import type { ScenarioOutcome } from '../model/scenario-outcome.ts';

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressDisplay {
  /** A phase started or reported something (load, plan, backend start, scenarios, …). */
  phase(phase: string, message: string): void;
  /** One scenario of one cell finished. */
  scenario(outcome: ScenarioOutcome): void;
  /** Clears the live line (TTY) so the report starts on a clean line. */
  stop(): void;
}

export interface ProgressOptions {
  stream: ProgressStream;
  /** false for --no-progress: nothing is written. */
  enabled: boolean;
  /** Scenario count per cell, to know when a cell is done. */
  cells: ReadonlyArray<{ id: string; scenarios: number }>;
}

const SILENT: ProgressDisplay = { phase() {}, scenario() {}, stop() {} };

/**
 * While the matrix runs: on a TTY one line rewritten in place (phase, scenarios done, breaks); on
 * anything else plain lines, one per phase and one per finished cell, so CI logs stay readable.
 */
export function createProgressDisplay(options: ProgressOptions): ProgressDisplay {
  if (!options.enabled) return SILENT;
  const { stream } = options;
  const tty = stream.isTTY === true;
  const expected = new Map(options.cells.map((cell) => [cell.id, cell.scenarios]));
  const total = options.cells.reduce((sum, cell) => sum + cell.scenarios, 0);
  const perCell = new Map<string, Record<ScenarioOutcome['status'], number>>();
  const totals: Record<ScenarioOutcome['status'], number> = { pass: 0, break: 0, error: 0, skipped: 0 };
  let done = 0;
  let cellsDone = 0;
  let current = '';
  let live = false;

  const counts = (c: Record<ScenarioOutcome['status'], number>) =>
    (['pass', 'break', 'error', 'skipped'] as const)
      .filter((status) => c[status] > 0)
      .map((status) => `${c[status]} ${status}`)
      .join(', ');

  const draw = () => {
    const tail =
      done > 0
        ? ` · ${done}/${total} scenarios, ${cellsDone}/${options.cells.length} cells${totals.break + totals.error > 0 ? ` (${counts(totals)})` : ''}`
        : '';
    let line = `${current}${tail}`;
    const width = (stream.columns ?? 100) - 1;
    if ([...line].length > width) line = `${[...line].slice(0, width - 1).join('')}…`;
    stream.write(`\r\u001b[2K${line}`);
    live = true;
  };

  return {
    phase(phase, message) {
      current = `[${phase}] ${message}`;
      if (tty) draw();
      else stream.write(`${current}\n`);
    },
    scenario(outcome) {
      done += 1;
      totals[outcome.status] += 1;
      const cell = perCell.get(outcome.cellId) ?? { pass: 0, break: 0, error: 0, skipped: 0 };
      cell[outcome.status] += 1;
      perCell.set(outcome.cellId, cell);
      const finished = cell.pass + cell.break + cell.error + cell.skipped === expected.get(outcome.cellId);
      if (finished) cellsDone += 1;
      if (tty) draw();
      else if (finished) stream.write(`[scenarios] ${outcome.cellId} done: ${counts(cell)} (${cellsDone}/${options.cells.length} cells)\n`);
    },
    stop() {
      if (tty && live) stream.write('\r\u001b[2K');
      live = false;
    },
  };
}
