import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunResult } from '../model/result-schema.ts';
import { FIXTURES_DIR } from './test-support/result-fixtures.ts';

/** Fixtures that must NOT load: load-result.test.ts checks their errors. */
const BROKEN_ON_PURPOSE = new Set(['wrong-schema-version.json', 'corrupt-result.json']);

describe('fixtures/results', () => {
  const files = readdirSync(FIXTURES_DIR).filter((file) => file.endsWith('.json'));

  it('holds the renderer fixtures the tests use', () => {
    expect(files).toEqual(expect.arrayContaining(['sample-result.json', 'previous-result.json', 'docker-upstream-result.json', ...BROKEN_ON_PURPOSE]));
  });

  for (const file of files.filter((name) => !BROKEN_ON_PURPOSE.has(name))) {
    it(`${file} validates against the result schema and says it is a hand-made fixture`, () => {
      const parsed = RunResult.safeParse(JSON.parse(readFileSync(`${FIXTURES_DIR}${file}`, 'utf8')));
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
      expect(parsed.data?.command).toMatch(/^fixture: hand-made for renderer tests/);
    });

    it(`${file} has summary counts that match its cells`, () => {
      const result = RunResult.parse(JSON.parse(readFileSync(`${FIXTURES_DIR}${file}`, 'utf8')));
      const count = (verdict: string) => result.cells.filter((cell) => cell.verdict === verdict).length;
      expect(result.summary).toEqual({
        cells: result.cells.length,
        pass: count('pass'),
        expectedBreak: count('expected-break'),
        unexpectedBreak: count('unexpected-break'),
        unexpectedPass: count('unexpected-pass'),
        error: count('error'),
        skipped: count('skipped'),
      });
    });
  }
});
