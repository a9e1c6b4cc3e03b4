import { loadMatrixFile } from '../../matrix/load-matrix.ts';
import { planRun } from '../../matrix/plan.ts';
import { selectCells } from '../../matrix/select-cells.ts';
import { splitPlan, shardPlan, type ShardGroup } from '../../matrix/shard-plan.ts';
import { planIdOf } from '../../matrix/plan-id.ts';
import { loadShardTimes } from '../../runner/shard-times.ts';
import { toolVersion } from '../../runner/run-matrix.ts';
import { SUITE_CATALOG } from '../../scenario/suite-catalog.ts';
import type { SuiteCatalog } from '../../model/suite-catalog-types.ts';
import { ListOptions, type ListOptionsInput } from '../options/list-options.ts';
import { parseCommandOptions } from '../options/option-fields.ts';

export interface ListCommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  catalog: SuiteCatalog;
}

/** `list`: the cells and suites matrix.json selects, and the services the shared plan would start. */
export async function listCommand(given: ListOptionsInput, io: Partial<ListCommandIo> = {}): Promise<number> {
  const options = parseCommandOptions('list', ListOptions, given);
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const catalog = io.catalog ?? SUITE_CATALOG;
  const matrixFile = options.matrix;
  const { config, warnings } = await loadMatrixFile(matrixFile, catalog);
  for (const warning of warnings) stderr.write(`warning: ${warning.path}: ${warning.message}\n`);
  const filters = {
    ...(options.chatwoot ? { chatwoot: options.chatwoot } : {}),
    ...(options.evolution ? { evolution: options.evolution } : {}),
    ...(options.storage ? { storage: options.storage } : {}),
    ...(options.suite ? { suites: options.suite } : {}),
  };
  const fullPlan = planRun(selectCells(config, filters), config.settings);
  const scenariosOf = (cell: { suites: readonly string[] }) =>
    catalog.filter((suite) => cell.suites.includes(suite.id)).reduce((sum, suite) => sum + suite.scenarios.length, 0);
  const durations = options.shardTimes ? await loadShardTimes(options.shardTimes) : undefined;
  const groups: ShardGroup[] | undefined = options.shard
    ? splitPlan(fullPlan, options.shard.count, { scenariosOf, ...(durations ? { durations } : {}) })
    : undefined;
  const plan = options.shard && groups ? shardPlan(fullPlan, groups[options.shard.index - 1]!) : fullPlan;
  const shard =
    options.shard && groups
      ? {
          index: options.shard.index,
          count: options.shard.count,
          planId: planIdOf(config, fullPlan, toolVersion()),
          shards: groups.map((group) => ({ index: group.index, cells: group.cells.map((cell) => cell.id), containers: group.containers, cost: group.cost })),
        }
      : undefined;
  const suites = catalog.filter((suite) => config.suites.includes(suite.id));
  const expectedIn = (scenarioId: string) =>
    config.expectations.filter((expectation) => expectation.scenarios.includes(scenarioId)).map((expectation) => expectation.reason);

  if (options.json) {
    const payload = {
      matrixFile,
      cells: plan.cells.map(({ id, chatwoot, evolution, storage }) => ({ id, chatwoot, evolution, storage })),
      suites: suites.map((suite) => ({
        id: suite.id,
        title: suite.title,
        kind: suite.kind,
        seedSymptom: suite.seedSymptom,
        requires: suite.requires,
        scenarios: suite.scenarios.map((scenario) => ({ id: scenario.id, title: scenario.title })),
      })),
      services: { planned: plan.services.length, naive: plan.naiveServiceCount, list: plan.services },
      ...(shard ? { shard } : {}),
    };
    stdout.write(`${JSON.stringify(payload, null, 2)}\n`);
    return 0;
  }

  const lines: string[] = [];
  if (shard) {
    lines.push(`${fullPlan.cells.length} cells in ${shard.count} shards (plan ${shard.planId}; cost: estimated container starts + scenarios):`);
    for (const group of shard.shards) {
      const mark = group.index === shard.index ? '*' : ' ';
      lines.push(
        `${mark} shard ${group.index}/${shard.count}: ${String(group.cells.length).padStart(3)} cells, ${String(group.containers).padStart(3)} containers, cost ${group.cost}`,
      );
    }
    lines.push('');
  }
  const shardLabel = shard ? `shard ${shard.index}/${shard.count}, ` : '';
  lines.push(`${plan.cells.length} cells (${shardLabel}${matrixFile}):`);
  if (plan.cells.length === 0) lines.push('  (none: this shard has no cells)');
  for (const cell of plan.cells) lines.push(`  ${cell.id.padEnd(26)} chatwoot ${cell.chatwoot}  evolution ${cell.evolution}  ${cell.storage}`);
  lines.push('', `${suites.length} suites:`);
  for (const suite of suites) {
    const needs = suite.requires.length > 0 ? ` (needs ${suite.requires.join(', ')})` : '';
    lines.push(`  ${suite.id} [${suite.kind}]${needs}: ${suite.title}`);
    for (const scenario of suite.scenarios) {
      const expected = expectedIn(scenario.id).length > 0 ? '  [expected to break in some cells]' : '';
      lines.push(`    - ${scenario.id}${expected}`);
    }
  }
  lines.push('', `services: ${plan.services.length} planned (a stack per cell would start ${plan.naiveServiceCount})`);
  stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
