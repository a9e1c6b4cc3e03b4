import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.ts';
import { CHATWOOT_VERSIONS } from '../model/axes.ts';
import { SUITE_CATALOG } from '../scenario/suite-catalog.ts';
import { loadBugReport } from './load-bug-report.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/bug-reports/', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bug-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(name: string, text: string): Promise<ConfigError> {
  const file = join(dir, name);
  await writeFile(file, text);
  const error = await loadBugReport(file, SUITE_CATALOG).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('bug report files', () => {
  it('every fixture is a valid report', async () => {
    const files = (await readdir(FIXTURES)).filter((name) => /\.(ya?ml|json)$/.test(name));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const name of files) {
      const report = await loadBugReport(join(FIXTURES, name), SUITE_CATALOG);
      expect(report.title.length, name).toBeGreaterThan(0);
    }
  });

  it('names an unknown version, with the known ones, as exit 2 with the bug-report code', async () => {
    const error = await failure('v.yaml', 'title: t\nsymptom: s\nversions: { chatwoot: 3.10.0, evolution: 1.7.4 }\n');
    expect(error.message).toContain(`unknown Chatwoot version "3.10.0" (known: ${CHATWOOT_VERSIONS.join(', ')})`);
    expect(error.code).toBe('EVOCHAT_E_BUG_REPORT');
    expect(error.exitCode).toBe(2);
    expect(error.issues[0]).toMatchObject({ path: 'versions.chatwoot', value: '3.10.0' });
  });

  it('reads JSON too, and reports unknown keys and scenarios with dotted paths', async () => {
    const unknownKey = await failure(
      'k.json',
      JSON.stringify({ title: 't', symptom: 's', versions: { chatwoot: '3.8.0', evolution: '1.7.4' }, settings: { serverURL: 'x' } }),
    );
    expect(unknownKey.issues).toContainEqual(expect.objectContaining({ path: 'settings.serverURL', message: 'unknown key' }));
    const unknownScenario = await failure('s.yaml', 'title: t\nsymptom: s\nversions: { chatwoot: 3.8.0, evolution: 1.7.4 }\nscenarios: [bot-command/nope]\n');
    expect(unknownScenario.issues[0]).toMatchObject({ path: 'scenarios[0]', message: 'unknown scenario' });
  });

  it('says where YAML is broken, and that a missing file is missing', async () => {
    const broken = await failure('b.yaml', 'title: t\nsymptom: [unclosed\n');
    expect(broken.message).toMatch(/invalid YAML at line \d+, column \d+/);
    const missing = await loadBugReport(join(dir, 'nope.yaml'), SUITE_CATALOG).catch((caught: unknown) => caught);
    expect((missing as Error).message).toContain('no such file');
  });
});
