import type { CellDurations } from '../matrix/shard-plan.ts';
import { loadResult } from '../report/load-result.ts';

/** `--shard-times FILE`: each cell's measured duration in a previous result, for the split's cost estimate. */
export async function loadShardTimes(file: string): Promise<CellDurations> {
  const result = await loadResult(file);
  return new Map(result.cells.map((cell) => [cell.id, cell.durationMs]));
}
