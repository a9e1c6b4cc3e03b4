import { fileURLToPath } from 'node:url';
import { cachedBundle } from '../common/bundle-cache.mjs';
import type { SuiteInfo } from '../model/suite-catalog-types.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The suites as ESM files built with esbuild (npm packages outside, vitest among them), one per suite with shared
 * chunks, kept in node_modules/.cache while suites/ and src/ are unchanged (src/common/bundle-cache.mjs). vitest's
 * worker imports a file under node_modules natively instead of passing every source through vite's transform and
 * its module runner (measured on the default matrix: the worker's first scenario ≈ 0.N s sooner, N MB less).
 * Undefined when the build fails: then the TypeScript files are loaded as they are, and vite names the error.
 */
export async function suitesBundle(suites: readonly SuiteInfo[]): Promise<Map<string, string> | undefined> {
  try {
    const entries = await cachedBundle({
      name: 'suites',
      entryPoints: suites.map((suite) => `${PROJECT_ROOT}${suite.file}`),
      packages: 'external',
      splitting: true,
      moreSourcesDirs: [`${PROJECT_ROOT}suites`],
    });
    return new Map(suites.map((suite, index) => [suite.id, entries[index]!]));
  } catch {
    return undefined;
  }
}
