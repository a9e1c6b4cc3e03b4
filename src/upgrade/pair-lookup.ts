import type { Storage } from '../model/axes.ts';
import type { RunResult } from '../model/result-schema.ts';
import type { SuiteCatalog } from '../model/suite-catalog-types.ts';
import { findingFromUnknown, type PairFinding, type PairLookup } from './answer-upgrade.ts';
import { judgeCell } from '../verdict/judge-cell.ts';
import { pairCellId, type Pair } from './upgrade-question.ts';

export interface NamedResult {
  /** Where it came from (a file path), for "no result for … in …" messages. */
  source: string;
  result: RunResult;
}

/** Judges a pair from the first result that has its cell; a pair in none of them is "unknown", never "no". */
export function lookupInResults(results: readonly NamedResult[], storage: Storage, catalog: SuiteCatalog): PairLookup {
  return (pair: Pair): PairFinding => {
    const id = pairCellId(pair, storage);
    for (const { result } of results) {
      const cell = result.cells.find((candidate) => candidate.id === id);
      if (cell) {
        const judged = judgeCell(cell, catalog);
        return { pair, cellId: id, state: judged.state, reason: judged.reason, breaking: judged.breaking };
      }
    }
    return findingFromUnknown(pair, storage, `no result for ${id} in ${results.map((r) => r.source).join(', ') || 'any result'}`);
  };
}
