/**
 * The naive plan the benchmarks compare with (DESIGN.md §7): a full stack per cell, nothing shared.
 * Each cell gets exactly what planRun would give it alone, with service ids suffixed by the cell's
 * position (`-c1`, `-c2`, …: short, so derived DNS names stay within 63 characters).
 */
import type { PlanSettings, PlannedCell, RunPlan } from '../src/matrix/plan-types.ts';
import { planRun } from '../src/matrix/plan.ts';

export function naivePlan(cells: readonly PlannedCell[], settings?: PlanSettings): RunPlan {
  const services: RunPlan['services'] = [];
  cells.forEach((cell, index) => {
    const tag = `c${index + 1}`;
    for (const service of planRun([cell], settings).services) {
      services.push({ ...service, id: `${service.id}-${tag}`, dependsOn: service.dependsOn.map((id) => `${id}-${tag}`), cells: [cell.id] });
    }
  });
  return {
    cells: cells.map((cell) => ({ ...cell, suites: [...cell.suites] })),
    services,
    naiveServiceCount: services.length,
    ...(settings ? { settings } : {}),
  };
}
