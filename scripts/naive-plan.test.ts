import { describe, expect, it } from 'vitest';
import { naiveServicesForCell, planRun } from '../src/matrix/plan.ts';
import type { PlannedCell } from '../src/matrix/plan-types.ts';
import { storeServiceOf } from '../src/backends/docker/specs/plan-specs.ts';
import { naivePlan } from './naive-plan.ts';

const cells: PlannedCell[] = [
  { id: 'a', chatwoot: '3.8.0', evolution: '1.7.4', storage: 'minio', suites: ['auth', 'config-faults'] },
  { id: 'b', chatwoot: '3.8.0', evolution: '1.7.5', storage: 'minio', suites: ['auth', 'config-faults'] },
  { id: 'c', chatwoot: '3.7.0', evolution: '1.7.4', storage: 'local', suites: ['auth'] },
];

describe('naivePlan', () => {
  it('gives every cell its own full stack, as many services as the planner says a naive plan needs', () => {
    const plan = naivePlan(cells);
    expect(plan.services).toHaveLength(cells.reduce((sum, cell) => sum + naiveServicesForCell(cell), 0));
    expect(plan.services.length).toBe(planRun(cells).naiveServiceCount);
    for (const service of plan.services) expect(service.cells).toHaveLength(1);
    expect(new Set(plan.services.map((s) => s.id)).size).toBe(plan.services.length);
  });

  it("keeps each cell's dependencies inside its own stack", () => {
    const plan = naivePlan(cells);
    const slow = plan.services.find((s) => s.id === 'chatwoot-3.8.0-slow-storage-c2')!;
    expect(slow.dependsOn).toEqual(['storage-latency-proxy-c2']);
    expect(plan.services.find((s) => s.id === 'storage-latency-proxy-c2')!.dependsOn).toEqual(['s3-c2']);
  });

  it("resolves every Chatwoot on minio to its own cell's object store (buckets and STORAGE_ENDPOINT follow it)", () => {
    const plan = naivePlan(cells);
    const minioChatwoots = plan.services.filter((s) => s.kind === 'chatwoot' && s.storage === 'minio');
    expect(minioChatwoots.map((s) => [s.id, storeServiceOf(plan, s)?.id])).toEqual([
      ['chatwoot-3.8.0-minio-c1', 's3-c1'],
      ['chatwoot-3.8.0-slow-storage-c1', 's3-c1'],
      ['chatwoot-3.8.0-minio-c2', 's3-c2'],
      ['chatwoot-3.8.0-slow-storage-c2', 's3-c2'],
    ]);
    expect(
      storeServiceOf(
        plan,
        plan.services.find((s) => s.id === 'chatwoot-3.7.0-local-c3')!,
      ),
    ).toBeUndefined();
  });
});
