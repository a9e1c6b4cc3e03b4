import { describe, expect, it } from 'vitest';
import { TEST_CATALOG } from './test-support/test-catalog.ts';
import { checkMatrix } from './load-matrix.ts';
import { planRun } from './plan.ts';
import { selectCells, type CellFilters } from './select-cells.ts';

const ALL_SUITES = TEST_CATALOG.map((suite) => suite.id);

function planFor(filters: CellFilters = {}, suites: string[] = ALL_SUITES) {
  const check = checkMatrix(
    { axes: { chatwoot: ['3.7.0', '3.8.0', '3.9.0'], evolution: ['1.7.4', '1.7.5'], storage: ['local', 'minio'] }, suites },
    TEST_CATALOG,
  );
  const config = check.config!;
  return planRun(selectCells(config, filters), config.settings);
}

describe('planRun', () => {
  it('shares stacks across the full matrix with config-faults: 17 services instead of 66', () => {
    const plan = planFor();
    expect(plan.cells).toHaveLength(12);
    const count = (kind: string, variant?: string) => plan.services.filter((s) => s.kind === kind && (variant === undefined || s.variant === variant)).length;
    expect(count('chatwoot', 'standard')).toBe(6);
    expect(count('evolution', 'standard')).toBe(2);
    expect(count('s3')).toBe(1);
    expect(count('evolution', 'trailing-slash-server-url')).toBe(2);
    expect(count('evolution', 'unreachable-server-url')).toBe(2);
    expect(count('chatwoot', 'slow-storage')).toBe(3);
    expect(count('storage-latency-proxy')).toBe(1);
    expect(plan.services).toHaveLength(17);
    // naive: 6 local cells × (chatwoot, evolution, 2 faulty evolutions) + 6 minio cells × (those + s3, slow chatwoot, proxy)
    expect(plan.naiveServiceCount).toBe(6 * 4 + 6 * 7);
    expect(plan.services.length * 2).toBeLessThan(plan.naiveServiceCount);
  });

  it('records which cells share each service and what must start first', () => {
    const plan = planFor();
    const byId = new Map(plan.services.map((s) => [s.id, s]));
    expect(byId.get('chatwoot-3.8.0-minio')).toMatchObject({
      kind: 'chatwoot',
      version: '3.8.0',
      storage: 'minio',
      variant: 'standard',
      cells: ['cw3.8.0-evo1.7.4-minio', 'cw3.8.0-evo1.7.5-minio'],
      dependsOn: ['s3'],
    });
    expect(byId.get('evolution-1.7.4')?.cells).toHaveLength(6);
    expect(byId.get('s3')?.cells).toHaveLength(6);
    expect(byId.get('chatwoot-3.9.0-slow-storage')).toMatchObject({ storage: 'minio', dependsOn: ['storage-latency-proxy'] });
    expect(byId.get('storage-latency-proxy')).toMatchObject({ dependsOn: ['s3'] });
    expect(plan.settings?.storage.latencyMs).toBe(6000);
  });

  it('starts no fault services when config-faults is not selected', () => {
    const plan = planFor(
      {},
      ALL_SUITES.filter((id) => id !== 'config-faults'),
    );
    expect(plan.services.map((s) => s.variant).every((variant) => variant === 'standard')).toBe(true);
    expect(plan.services).toHaveLength(9);
    expect(plan.naiveServiceCount).toBe(6 * 2 + 6 * 3);
  });

  it('plans only what the filtered cells need', () => {
    const plan = planFor({ chatwoot: ['3.8.0'], evolution: ['1.7.4'], storage: ['local'] });
    expect(plan.cells.map((cell) => cell.id)).toEqual(['cw3.8.0-evo1.7.4-local']);
    expect(plan.services.map((s) => s.id).sort()).toEqual([
      'chatwoot-3.8.0-local',
      'evolution-1.7.4',
      'evolution-1.7.4-trailing-slash-server-url',
      'evolution-1.7.4-unreachable-server-url',
    ]);
    expect(plan.naiveServiceCount).toBe(4);
  });
});

describe('selectCells', () => {
  it('orders cells by storage, chatwoot, evolution and narrows suites', () => {
    const check = checkMatrix({ axes: { chatwoot: ['3.7.0', '3.8.0'], evolution: ['1.7.4', '1.7.5'], storage: ['minio'] } }, TEST_CATALOG);
    const cells = selectCells(check.config!, { suites: ['auth', 'bot-command'] });
    expect(cells.map((cell) => cell.id)).toEqual(['cw3.7.0-evo1.7.4-minio', 'cw3.7.0-evo1.7.5-minio', 'cw3.8.0-evo1.7.4-minio', 'cw3.8.0-evo1.7.5-minio']);
    expect(cells[0]?.suites).toEqual(['auth', 'bot-command']);
  });

  it('rejects a filter value outside the matrix as a usage error naming the allowed values', () => {
    const check = checkMatrix({ axes: { chatwoot: ['3.7.0'], evolution: ['1.7.4'], storage: ['local'] } }, TEST_CATALOG);
    expect(() => selectCells(check.config!, { chatwoot: ['3.9.0'] })).toThrow(/--chatwoot 3.9.0: not in the matrix \(allowed: 3.7.0\)/);
    expect(() => selectCells(check.config!, { suites: ['nope'] })).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});
