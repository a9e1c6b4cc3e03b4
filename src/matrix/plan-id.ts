import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { MatrixConfig } from './matrix-config.ts';
import type { RunPlan } from './plan-types.ts';

/**
 * The identity of a plan: what the matrix file says (not where it lives), the cells and suites selected, and
 * the harness version. Shards of one plan carry the same id; merge refuses results whose ids differ.
 */
export function planIdOf(config: MatrixConfig, plan: RunPlan, harnessVersion: string): string {
  const { file: _file, ...content } = config;
  const selected = plan.cells.map((cell) => ({ id: cell.id, suites: cell.suites }));
  const text = stringify({ matrix: content, selected, harness: harnessVersion }) ?? '';
  return `plan-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}
