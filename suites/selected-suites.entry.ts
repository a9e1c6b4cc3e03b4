/**
 * The one test file the matrix runner gives vitest (src/runner/run-suites.ts): it loads the run's suites into a
 * single worker, in the order they should start, instead of one worker per suite file each loading vitest, the
 * clients and the sources again. The files are the suites' bundle where it could be built (src/runner/suites-bundle.ts),
 * which Node loads natively; else the TypeScript files. How many suites run at once is kept by the suites' own slots
 * (suite-context.ts).
 * A suite file that cannot be loaded costs only its own scenarios: a stand-in test carries its error to the
 * reporter, and the other suites run.
 */
import { describe, inject, test } from 'vitest';
import { SUITE_RUN_KEY } from '../src/scenario/scenario-meta.ts';

for (const { id: suiteId, file } of inject(SUITE_RUN_KEY).suitesToLoad) {
  try {
    await import(file);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    describe(`${suiteId} (not loaded)`, () => {
      test('load', (context) => {
        context.task.meta.evochatLoadError = { suiteId, message };
        throw error;
      });
    });
  }
}
