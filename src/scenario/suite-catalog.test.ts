import { access, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../model/capabilities.ts';
import { SUITE_CATALOG } from './suite-catalog.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('SUITE_CATALOG', () => {
  it('names unique suites and fully qualified, unique scenario ids', () => {
    expect(new Set(SUITE_CATALOG.map((suite) => suite.id)).size).toBe(SUITE_CATALOG.length);
    const ids = SUITE_CATALOG.flatMap((suite) => suite.scenarios.map((scenario) => scenario.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const suite of SUITE_CATALOG) {
      for (const scenario of suite.scenarios) expect(scenario.id.startsWith(`${suite.id}/`)).toBe(true);
      for (const capability of suite.requires) expect(Object.values(CAPABILITIES)).toContain(capability);
    }
  });

  it('points at suite files that declare their suite and name a seed symptom in a header comment', async () => {
    for (const suite of SUITE_CATALOG) {
      expect(suite.file).toBe(`suites/${suite.id}.suite.ts`);
      await access(`${root}${suite.file}`);
      const text = await readFile(`${root}${suite.file}`, 'utf8');
      expect(text.startsWith('/**'), `${suite.file} header comment`).toBe(true);
      expect(text).toMatch(/Seed symptom/);
      expect(text).toMatch(new RegExp(`defineSuite\\(\\s*'${suite.id}'`));
      for (const scenario of suite.scenarios) expect(text).toContain(`'${scenario.id.slice(suite.id.length + 1)}'`);
    }
  });

  it('marks only config-faults and evolution-faults as fault suites', () => {
    expect(SUITE_CATALOG.filter((suite) => suite.kind === 'fault').map((suite) => suite.id)).toEqual(['config-faults', 'evolution-faults']);
  });
});
