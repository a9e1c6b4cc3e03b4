import type { CellKey } from '../model/axes.ts';
import type { CellResult, Diagnosis, RunResult } from '../model/result-schema.ts';
import type { SuiteCatalog } from '../model/suite-catalog-types.ts';

/** Does a pair work, per one result cell. "unknown" is never "no" (Pact's can-i-deploy). */
export type PairState = 'works' | 'breaks' | 'unknown';

export interface BreakingScenario {
  id: string;
  title: string;
  message: string | undefined;
  diagnosis: Diagnosis | undefined;
}

export interface CellJudgement {
  cellId: string;
  key: CellKey;
  state: PairState;
  /** Why, in words: "5 compatibility scenarios broke", "infrastructure error", … */
  reason: string;
  breaking: BreakingScenario[];
}

/** Scenario ids of suites of kind `fault`: they break on purpose in every cell and say nothing about the pair. */
export function faultScenarioIds(catalog: SuiteCatalog): Set<string> {
  return new Set(catalog.filter((suite) => suite.kind === 'fault').flatMap((suite) => suite.scenarios.map((scenario) => scenario.id)));
}

/** The result says each scenario's kind; older or hand-made results fall back to the catalog. */
function isFaultScenario(scenario: CellResult['scenarios'][number], faults: ReadonlySet<string>, catalog: SuiteCatalog): boolean {
  if (scenario.kind) return scenario.kind === 'fault';
  if (faults.has(scenario.id)) return true;
  return catalog.some((entry) => entry.id === scenario.suite && entry.kind === 'fault');
}

/**
 * A cell's `status` already aggregates only its compatibility scenarios (verdict/classify.ts):
 * pass → works, break → breaks, error → unknown (no verdict), skipped → unknown (nothing ran).
 */
export function judgeCell(cell: CellResult, catalog: SuiteCatalog = []): CellJudgement {
  const faults = faultScenarioIds(catalog);
  const compatibility = cell.scenarios.filter((scenario) => !isFaultScenario(scenario, faults, catalog));
  const breaking = compatibility
    .filter((scenario) => scenario.status === 'break')
    .map((scenario) => ({ id: scenario.id, title: scenario.title, message: scenario.message, diagnosis: scenario.diagnosis }));
  const errored = compatibility.filter((scenario) => scenario.status === 'error');
  const key = { chatwoot: cell.chatwoot, evolution: cell.evolution, storage: cell.storage };
  switch (cell.status) {
    case 'pass':
      return {
        cellId: cell.id,
        key,
        state: 'works',
        reason: `${compatibility.filter((s) => s.status === 'pass').length} compatibility scenarios passed`,
        breaking: [],
      };
    case 'break':
      return { cellId: cell.id, key, state: 'breaks', reason: `${breaking.length} compatibility scenario${breaking.length === 1 ? '' : 's'} broke`, breaking };
    case 'error':
      return {
        cellId: cell.id,
        key,
        state: 'unknown',
        reason: `infrastructure error in ${errored.map((s) => s.id).join(', ') || 'the cell'}: no verdict`,
        breaking,
      };
    case 'skipped':
      return { cellId: cell.id, key, state: 'unknown', reason: 'no compatibility scenario ran', breaking };
  }
}

/** The cells of a result for one Chatwoot × Evolution pair (any storage unless given). */
export function cellsForPair(result: RunResult, pair: { chatwoot: string; evolution: string; storage?: string }): CellResult[] {
  return result.cells.filter(
    (cell) => cell.chatwoot === pair.chatwoot && cell.evolution === pair.evolution && (pair.storage === undefined || cell.storage === pair.storage),
  );
}
