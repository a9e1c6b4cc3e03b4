import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors/index.ts';
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, STORAGES } from '../model/axes.ts';
import { SUITE_CATALOG } from '../scenario/suite-catalog.ts';
import { checkMatrix, loadMatrixFile } from './load-matrix.ts';
import { EXTENDED_MATRIX_FILE, selectCells } from './select-cells.ts';
import { TEST_CATALOG } from './test-support/test-catalog.ts';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the Chatwoot axis in matrix files (issue 19)', () => {
  it('accepts the 3.16.0 and 4.x profiles as axis values and in expectations', () => {
    const check = checkMatrix(
      {
        axes: { chatwoot: ['3.16.0', '4.0.4', '4.14.2'], evolution: ['1.7.4'], storage: ['local'] },
        expectations: [{ when: { chatwoot: '4.14.0' }, scenarios: ['auth/chatwoot-wrong-token'], reason: 'r' }],
      },
      TEST_CATALOG,
    );
    expect(check.errors).toBeUndefined();
    expect(check.config?.expectations[0]?.when.chatwoot).toEqual(['4.14.0']);
  });

  it('names every known profile for a version without one (4.14.1 has no profile)', () => {
    const check = checkMatrix({ axes: { chatwoot: ['4.14.1'], evolution: ['1.7.4'], storage: ['local'] } }, TEST_CATALOG);
    expect(check.errors).toEqual([{ path: 'axes.chatwoot[0]', message: 'not an allowed value', value: '4.14.1', allowed: [...CHATWOOT_VERSIONS] }]);
  });

  it('keeps matrix.json at the seed 12 cells; matrix.extended.json is every profile × every Evolution × both storages', async () => {
    const seed = await loadMatrixFile(join(ROOT, 'matrix.json'), SUITE_CATALOG);
    expect(selectCells(seed.config)).toHaveLength(12);
    const extended = await loadMatrixFile(join(ROOT, EXTENDED_MATRIX_FILE), SUITE_CATALOG);
    expect(extended.warnings).toEqual([]);
    const { chatwoot, evolution, storage } = extended.config.axes;
    expect({ chatwoot, storage }).toEqual({ chatwoot: [...CHATWOOT_VERSIONS], storage: [...STORAGES] });
    // The Evolution list is evo2's (issue 21) to extend: at least the seed's, only known ones.
    expect(evolution).toEqual(expect.arrayContaining(seed.config.axes.evolution));
    expect(EVOLUTION_VERSIONS).toEqual(expect.arrayContaining(evolution));
    // evolution-faults (issue 21) runs only on 2.x cells, which only the extended file lists.
    expect(extended.config.suites).toEqual([...(seed.config.suites ?? []), 'evolution-faults']);
    expect(selectCells(extended.config)).toHaveLength(CHATWOOT_VERSIONS.length * evolution.length * STORAGES.length);
  });

  it('tells an unknown --chatwoot value from a known one the matrix does not list', async () => {
    const seed = await loadMatrixFile(join(ROOT, 'matrix.json'), SUITE_CATALOG);
    const unknown = (() => {
      try {
        selectCells(seed.config, { chatwoot: ['4.14.1'] });
      } catch (error) {
        return error;
      }
    })() as UsageError;
    expect(unknown).toBeInstanceOf(UsageError);
    expect(unknown.message).toBe(`--chatwoot 4.14.1: unknown Chatwoot version (known: ${CHATWOOT_VERSIONS.join(', ')})`);
    const notListed = (() => {
      try {
        selectCells(seed.config, { chatwoot: ['4.15.1'] });
      } catch (error) {
        return error;
      }
    })() as UsageError;
    expect(notListed.message).toBe('--chatwoot 4.15.1: not in the matrix (allowed: 3.7.0, 3.8.0, 3.9.0)');
    expect(notListed.hint).toContain('--matrix matrix.extended.json');
  });
});
