import { describe, expect, it } from 'vitest';
import { checkMatrix } from './load-matrix.ts';
import { planIdOf } from './plan-id.ts';
import { planRun } from './plan.ts';
import { selectCells } from './select-cells.ts';
import { parseShardSpec, splitPlan, stackGroups } from './shard-plan.ts';
import { TEST_CATALOG } from './test-support/test-catalog.ts';

const config = checkMatrix(
  {
    axes: { chatwoot: ['3.7.0', '3.8.0', '3.9.0', '4.14.2'], evolution: ['1.7.4', '1.7.5', '2.3.6'], storage: ['local', 'minio'] },
    suites: TEST_CATALOG.map((suite) => suite.id),
  },
  TEST_CATALOG,
).config!;
const plan = planRun(selectCells(config), config.settings);
const model = { scenariosOf: (cell: { suites: readonly string[] }) => cell.suites.length * 3 };

describe('parseShardSpec', () => {
  it('reads i/n', () => expect(parseShardSpec('2/3')).toEqual({ index: 2, count: 3 }));
  it.each(['0/3', '4/3', 'a/b', '1/0', '1/', '1/3/2', '-1/3', '1.5/3'])('refuses %s with a usage error', (value) => {
    expect(() => parseShardSpec(value)).toThrowError(expect.objectContaining({ code: 'EVOCHAT_E_USAGE', exitCode: 2 }));
  });
});

describe('splitPlan', () => {
  it('keeps the cells of a Chatwoot stack in one shard, and every cell in exactly one', () => {
    const shards = splitPlan(plan, 3, model);
    const owner = new Map<string, number>();
    for (const shard of shards) for (const cell of shard.cells) owner.set(cell.id, shard.index);
    expect([...owner.keys()].sort()).toEqual(plan.cells.map((cell) => cell.id).sort());
    expect(shards.reduce((sum, shard) => sum + shard.cells.length, 0)).toBe(plan.cells.length);
    for (const service of plan.services.filter((candidate) => candidate.kind === 'chatwoot')) {
      expect(new Set(service.cells.map((id) => owner.get(id))).size, service.id).toBe(1);
    }
  });

  it('joins both storages of a 4.14.2 Chatwoot: they share its private-network-refusal Chatwoot', () => {
    const group = stackGroups(plan).find((cells) => cells.some((cell) => cell.chatwoot === '4.14.2'))!;
    expect(new Set(group.map((cell) => cell.storage))).toEqual(new Set(['local', 'minio']));
  });

  it('balances: no shard costs more than the largest group above the average', () => {
    const shards = splitPlan(plan, 3, model);
    const costs = shards.map((shard) => shard.cost);
    const largest = Math.max(...splitPlan(plan, stackGroups(plan).length, model).map((shard) => shard.cost));
    expect(Math.max(...costs) - Math.min(...costs)).toBeLessThanOrEqual(largest);
    expect(costs.every((cost) => cost > 0)).toBe(true);
  });

  it('is deterministic, and learns from measured durations', () => {
    const ids = (shards: ReturnType<typeof splitPlan>) => shards.map((shard) => shard.cells.map((cell) => cell.id));
    expect(ids(splitPlan(plan, 3, model))).toEqual(ids(splitPlan(plan, 3, model)));
    const slow = plan.cells.find((cell) => cell.chatwoot === '3.7.0')!;
    const learned = splitPlan(plan, 3, { ...model, durations: new Map([[slow.id, 10_000_000]]) });
    const withSlow = learned.find((shard) => shard.cells.some((cell) => cell.id === slow.id))!;
    // A cell measured far slower than every estimate gets its stack group's shard to itself.
    expect(new Set(withSlow.cells.map((cell) => cell.chatwoot))).toEqual(new Set(['3.7.0']));
  });

  it('leaves shards empty when there are more shards than stack groups', () => {
    const shards = splitPlan(plan, stackGroups(plan).length + 2, model);
    expect(shards.filter((shard) => shard.cells.length === 0)).toHaveLength(2);
  });
});

describe('planIdOf', () => {
  it('changes with the selection, the matrix content and the harness version, not with the file path', () => {
    const id = planIdOf(config, plan, '1.0.0');
    expect(planIdOf({ ...config, file: 'elsewhere.json' }, plan, '1.0.0')).toBe(id);
    expect(planIdOf(config, plan, '1.0.1')).not.toBe(id);
    expect(planIdOf({ ...config, jobs: config.jobs + 1 }, plan, '1.0.0')).not.toBe(id);
    expect(planIdOf(config, planRun(selectCells(config, { chatwoot: ['3.7.0'] }), config.settings), '1.0.0')).not.toBe(id);
  });
});
