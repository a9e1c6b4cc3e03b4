import type { CellKey } from '../model/axes.ts';
import type { NormalisedExpectation } from '../matrix/matrix-config.ts';

export function expectationCoversCell(expectation: NormalisedExpectation, cell: CellKey): boolean {
  return (
    expectation.when.chatwoot.includes(cell.chatwoot) && expectation.when.evolution.includes(cell.evolution) && expectation.when.storage.includes(cell.storage)
  );
}

/** The first expectation of matrix.json saying this scenario breaks in this cell, if any. */
export function expectedBreakFor(expectations: readonly NormalisedExpectation[], cell: CellKey, scenarioId: string): NormalisedExpectation | undefined {
  return expectations.find((expectation) => expectationCoversCell(expectation, cell) && expectation.scenarios.includes(scenarioId));
}

/** Every expectation that covers the cell, merged for the result's `cells[].expectation`. */
export function cellExpectation(
  expectations: readonly NormalisedExpectation[],
  cell: CellKey,
): { scenarios: string[]; reason: string; references: string[] } | undefined {
  const covering = expectations.filter((expectation) => expectationCoversCell(expectation, cell));
  if (covering.length === 0) return undefined;
  return {
    scenarios: [...new Set(covering.flatMap((expectation) => expectation.scenarios))],
    reason: covering.map((expectation) => expectation.reason).join(' / '),
    references: [...new Set(covering.flatMap((expectation) => expectation.references))],
  };
}
