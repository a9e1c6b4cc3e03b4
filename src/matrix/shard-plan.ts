import { UsageError } from '../errors/index.ts';
import type { ServiceKind, PlannedCell, RunPlan } from './plan-types.ts';
import { planRun } from './plan.ts';

/** `--shard i/n`: this process runs group i (1-based) of n. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** The largest n accepted: a job matrix of GitHub Actions holds at most 256 jobs. */
export const MAX_SHARDS = 256;

/** "2/3" → {index 2, count 3}; anything else (0/3, 4/3, a/b, 1/0) is a usage error. */
export function parseShardSpec(value: unknown): ShardSpec {
  const text = String(value).trim();
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const shown = JSON.stringify(text.slice(0, 20));
  if (!match) throw new UsageError(`--shard ${shown}: expected i/n with whole numbers, e.g. --shard 1/3`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS) throw new UsageError(`--shard ${shown}: n must be 1..${MAX_SHARDS}`);
  if (index < 1 || index > count) throw new UsageError(`--shard ${shown}: i must be 1..${count}`);
  return { index, count };
}

/**
 * Estimated containers a service starts with upstream images: a Chatwoot stack is Postgres + Redis + rails +
 * sidekiq, an Evolution its API + its Postgres + its Redis. Only relative sizes matter.
 */
const CONTAINERS: Record<ServiceKind, number> = { chatwoot: 4, evolution: 3, s3: 1, 'storage-latency-proxy': 1 };
/** Estimated cost units of starting one container and of running one scenario (about seconds with upstream images). */
export const CONTAINER_COST = 20;
export const SCENARIO_COST = 5;

/** Measured cell durations (ms) from a previous result replace the scenario estimate of those cells. */
export type CellDurations = ReadonlyMap<string, number>;

export interface CostModel {
  /** Scenarios each cell runs. */
  scenariosOf: (cell: PlannedCell) => number;
  durations?: CellDurations;
}

export interface ShardGroup {
  index: number;
  cells: PlannedCell[];
  /** Ids of the plan's services this shard starts (shared cheap services are started again in each shard that needs them). */
  services: string[];
  containers: number;
  cost: number;
}

function cellCost(cell: PlannedCell, model: CostModel): number {
  const measured = model.durations?.get(cell.id);
  return measured !== undefined ? measured / 1000 : model.scenariosOf(cell) * SCENARIO_COST;
}

function containersOf(plan: RunPlan, ids: Iterable<string>): number {
  const byId = new Map(plan.services.map((service) => [service.id, service]));
  let sum = 0;
  for (const id of ids) sum += CONTAINERS[byId.get(id)?.kind ?? 's3'];
  return sum;
}

/**
 * The groups of cells that must stay together: connected components of the cell–Chatwoot graph. A Chatwoot
 * stack is what is too big to start twice; Evolutions, the S3 and the latency proxy are cheap and each shard
 * that needs one starts its own (linking cells through them would make the whole plan one component: every
 * cell shares its Evolution with every Chatwoot).
 */
export function stackGroups(plan: RunPlan): PlannedCell[][] {
  const parent = new Map(plan.cells.map((cell) => [cell.id, cell.id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  for (const service of plan.services) {
    if (service.kind !== 'chatwoot') continue;
    const [first, ...rest] = service.cells;
    for (const other of rest) parent.set(find(other), find(first!));
  }
  const groups = new Map<string, PlannedCell[]>();
  for (const cell of plan.cells) {
    const root = find(cell.id);
    groups.set(root, [...(groups.get(root) ?? []), cell]);
  }
  return [...groups.values()];
}

function servicesOf(plan: RunPlan, cells: readonly PlannedCell[]): Set<string> {
  const ids = new Set(cells.map((cell) => cell.id));
  return new Set(plan.services.filter((service) => service.cells.some((id) => ids.has(id))).map((service) => service.id));
}

/**
 * Splits the plan into `count` shards, deterministically: stack groups by falling cost (ties by first cell
 * id), each to the shard whose cost grows least by taking it (containers it does not start yet + scenarios),
 * ties to the lower index. Cells keep the plan's order inside a shard.
 */
export function splitPlan(plan: RunPlan, count: number, model: CostModel): ShardGroup[] {
  const order = new Map(plan.cells.map((cell, position) => [cell.id, position]));
  const groups = stackGroups(plan)
    .map((cells) => ({ cells, services: servicesOf(plan, cells) }))
    .map((group) => ({
      ...group,
      cost: containersOf(plan, group.services) * CONTAINER_COST + group.cells.reduce((sum, cell) => sum + cellCost(cell, model), 0),
    }))
    .sort((a, b) => b.cost - a.cost || a.cells[0]!.id.localeCompare(b.cells[0]!.id));

  const shards = Array.from({ length: count }, (_, position) => ({ index: position + 1, cells: [] as PlannedCell[], services: new Set<string>(), cost: 0 }));
  for (const group of groups) {
    let best = shards[0]!;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const shard of shards) {
      const added = [...group.services].filter((id) => !shard.services.has(id));
      const scenarios = group.cells.reduce((sum, cell) => sum + cellCost(cell, model), 0);
      const total = shard.cost + containersOf(plan, added) * CONTAINER_COST + scenarios;
      if (total < bestCost) {
        best = shard;
        bestCost = total;
      }
    }
    best.cells.push(...group.cells);
    for (const id of group.services) best.services.add(id);
    best.cost = bestCost;
  }
  return shards.map((shard) => {
    const cells = [...shard.cells].sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    return {
      index: shard.index,
      cells,
      services: plan.services.filter((service) => shard.services.has(service.id)).map((service) => service.id),
      containers: containersOf(plan, shard.services),
      cost: Math.round(shard.cost),
    };
  });
}

/** The plan of one shard: its cells, planned on their own (each shard starts the services its cells need). */
export function shardPlan(plan: RunPlan, group: ShardGroup): RunPlan {
  return planRun(group.cells, plan.settings);
}
