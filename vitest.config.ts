import { defineConfig } from 'vitest/config';

/**
 * `npm test`: the harness's own tests (unit, contract and end-to-end), beside the code.
 * The scenario suites in suites/*.suite.ts are the product, not tests of it: the matrix runner
 * runs them through vitest's Node API with its own configuration (src/runner/).
 */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'suites/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'suites/**/*.suite.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
