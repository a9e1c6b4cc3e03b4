import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evolutionVersionsOf } from '../model/evolution-profiles.ts';
import { TEST_CATALOG } from './test-support/test-catalog.ts';
import { checkMatrix, loadMatrixFile } from './load-matrix.ts';

describe('the Evolution axis in matrix files (issue 21)', () => {
  it('accepts the 2.x versions as axis values and in expectations', () => {
    const check = checkMatrix(
      {
        axes: { chatwoot: ['3.8.0'], evolution: ['1.7.5', ...evolutionVersionsOf('2')], storage: ['local'] },
        expectations: [{ when: { evolution: '2.1.2' }, scenarios: ['bot-command/status-round-trip'], reason: 'r' }],
      },
      TEST_CATALOG,
    );
    expect(check.errors).toBeUndefined();
    expect(check.config?.axes.evolution).toEqual(['1.7.5', '2.1.2', '2.2.3', '2.3.6']);
    expect(check.config?.expectations[0]?.when.evolution).toEqual(['2.1.2']);
  });

  it('names every allowed Evolution version for an unknown one', () => {
    const check = checkMatrix({ axes: { chatwoot: ['3.8.0'], evolution: ['2.0.10'], storage: ['local'] } }, TEST_CATALOG);
    expect(check.errors).toEqual([
      { path: 'axes.evolution[0]', message: 'not an allowed value', value: '2.0.10', allowed: ['1.7.4', '1.7.5', '2.1.2', '2.2.3', '2.3.6'] },
    ]);
  });

  it('leaves the default matrix.json on the 1.7 generation (12 cells)', async () => {
    const loaded = await loadMatrixFile(join(import.meta.dirname, '..', '..', 'matrix.json'), TEST_CATALOG);
    expect(loaded.config.axes.evolution).toEqual(evolutionVersionsOf('1.7'));
  });
});
