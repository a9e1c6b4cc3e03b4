import type { ConfigIssue } from '../errors/index.ts';
import type { SuiteCatalog } from '../model/suite-catalog-types.ts';
import type { MatrixConfig } from './matrix-config.ts';

export interface RuleFindings {
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

function duplicates<T>(values: readonly T[]): Array<{ index: number; value: T; first: number }> {
  const seen = new Map<T, number>();
  const found: Array<{ index: number; value: T; first: number }> = [];
  values.forEach((value, index) => {
    const first = seen.get(value);
    if (first === undefined) seen.set(value, index);
    else found.push({ index, value, first });
  });
  return found;
}

/**
 * Checks zod cannot express: duplicates, references to the suite catalog, expectations that cover
 * nothing. Errors stop the run (exit 2); warnings are printed.
 */
export function checkMatrixRules(config: MatrixConfig, rawSuites: readonly string[] | undefined, catalog: SuiteCatalog): RuleFindings {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];

  for (const axis of ['chatwoot', 'evolution', 'storage'] as const) {
    for (const dup of duplicates(config.axes[axis])) {
      errors.push({ path: `axes.${axis}[${dup.index}]`, message: `duplicate of axes.${axis}[${dup.first}]`, value: dup.value });
    }
  }

  const suiteIds = catalog.map((suite) => suite.id);
  if (rawSuites) {
    rawSuites.forEach((id, index) => {
      if (!suiteIds.includes(id)) errors.push({ path: `suites[${index}]`, message: 'unknown suite', value: id, allowed: suiteIds });
    });
    for (const dup of duplicates(rawSuites)) errors.push({ path: `suites[${dup.index}]`, message: `duplicate of suites[${dup.first}]`, value: dup.value });
    if (rawSuites.length === 0) errors.push({ path: 'suites', message: 'no suite selected (omit the key to run every suite)', value: [], allowed: suiteIds });
  }

  const scenarioIds = catalog.flatMap((suite) => suite.scenarios.map((scenario) => scenario.id));
  config.expectations.forEach((expectation, e) => {
    expectation.scenarios.forEach((id, s) => {
      const path = `expectations[${e}].scenarios[${s}]`;
      const suiteId = id.split('/')[0] ?? '';
      const suite = catalog.find((candidate) => candidate.id === suiteId);
      if (!scenarioIds.includes(id)) {
        errors.push({
          path,
          message: suite ? `unknown scenario of suite "${suite.id}"` : 'unknown scenario (expected "<suite>/<scenario>")',
          value: id,
          allowed: suite ? suite.scenarios.map((scenario) => scenario.id) : scenarioIds,
        });
      } else if (!config.suites.includes(suiteId)) {
        warnings.push({ path, message: `suite "${suiteId}" is not selected in "suites": this expectation is never checked`, value: id });
      }
    });
    for (const dup of duplicates(expectation.scenarios)) {
      errors.push({ path: `expectations[${e}].scenarios[${dup.index}]`, message: `duplicate of expectations[${e}].scenarios[${dup.first}]`, value: dup.value });
    }
    for (const axis of ['chatwoot', 'evolution', 'storage'] as const) {
      const selected = config.axes[axis] as readonly string[];
      if (!expectation.when[axis].some((value) => selected.includes(value))) {
        warnings.push({
          path: `expectations[${e}].when.${axis}`,
          message: 'covers no value of the axes: this expectation is never checked',
          value: expectation.when[axis],
          allowed: selected,
        });
      }
    }
  });

  return { errors, warnings };
}
