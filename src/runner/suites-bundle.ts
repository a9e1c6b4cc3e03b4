import { join } from 'node:path';
import { cachedBundle } from '../common/bundle-cache.mjs';
import type { SuiteInfo } from '../model/suite-catalog-types.ts';

/**
 * The suites as ESM files built with esbuild (npm packages outside, vitest among them), one per suite with shared
 * chunks, kept in node_modules/.cache while suites/ and src/ are unchanged (src/common/bundle-cache.mjs). vitest's
 * worker imports a file under node_modules natively instead of passing every source through vite's transform and
 * its module runner (measured: one cell ≈ 0.3 CPU-s and ≈ 65 MB less; the 12-cell matrix ≈ 65 MB less).
 * Undefined when the build fails: then the TypeScript files are loaded as they are, and vite names the error.
 */
export async function suitesBundle(suites: readonly SuiteInfo[], projectRoot: string): Promise<Map<string, string> | undefined> {
  try {
    const entries = await cachedBundle({
      name: 'suites',
      entryPoints: suites.map((suite) => join(projectRoot, suite.file)),
      packages: 'external',
      splitting: true,
      moreSourcesDirs: [join(projectRoot, 'suites')],
    });
    return new Map(suites.map((suite, index) => [suite.id, entries[index]!]));
  } catch {
    return undefined;
  }
}
