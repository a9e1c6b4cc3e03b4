import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.ts';
import { CHATWOOT_VERSIONS } from '../model/axes.ts';
import { TEST_CATALOG } from './test-support/test-catalog.ts';
import { checkMatrix, loadMatrixFile } from './load-matrix.ts';

const minimal = () => ({ axes: { chatwoot: ['3.7.0', '3.8.0'], evolution: ['1.7.4'], storage: ['local'] } });

function errorsOf(input: unknown) {
  const check = checkMatrix(input, TEST_CATALOG, 'matrix.json');
  if (!check.errors) throw new Error('expected errors');
  return check.errors;
}

describe('checkMatrix', () => {
  it('applies defaults and normalises expectations', () => {
    const check = checkMatrix(
      { ...minimal(), expectations: [{ when: { evolution: '1.7.4' }, scenarios: ['bot-command/status-round-trip'], reason: 'r' }] },
      TEST_CATALOG,
    );
    expect(check.errors).toBeUndefined();
    const config = check.config!;
    expect(config.suites).toEqual(TEST_CATALOG.map((suite) => suite.id));
    expect(config.jobs).toBe(4);
    expect(config.settings).toEqual({
      chatwoot: { defaultLocale: 'en' },
      evolution: { language: 'en', qrRefreshMs: 40_000 },
      storage: { latencyMs: 6_000 },
    });
    expect(config.expectations[0]?.when).toEqual({ chatwoot: [...CHATWOOT_VERSIONS], evolution: ['1.7.4'], storage: ['local', 'minio'] });
    expect(config.expectations[0]?.references).toEqual([]);
  });

  it('names the dotted path, value and allowed values of an unknown axis value', () => {
    const errors = errorsOf({ axes: { chatwoot: ['3.7.0', '3.6.0'], evolution: ['1.7.4'], storage: ['local'] } });
    expect(errors).toEqual([{ path: 'axes.chatwoot[1]', message: 'not an allowed value', value: '3.6.0', allowed: [...CHATWOOT_VERSIONS] }]);
  });

  it('reports an unknown scenario id in an expectation with the scenarios of its suite', () => {
    const errors = errorsOf({
      ...minimal(),
      expectations: [{ scenarios: ['bot-command/status-round-trip', 'auth/chatwoot-token-accepted', 'bot-command/nope'], reason: 'r' }],
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'expectations[0].scenarios[2]', value: 'bot-command/nope', allowed: ['bot-command/status-round-trip'] });
  });

  it('lists every scenario id when the suite part is unknown', () => {
    const [issue] = errorsOf({ ...minimal(), expectations: [{ scenarios: ['nosuch/thing'], reason: 'r' }] });
    expect(issue?.path).toBe('expectations[0].scenarios[0]');
    expect(issue?.allowed).toContain('config-faults/slow-storage');
    expect(issue?.allowed).toHaveLength(TEST_CATALOG.flatMap((suite) => suite.scenarios).length);
  });

  it('rejects duplicate axis values and an empty axis', () => {
    const errors = errorsOf({ axes: { chatwoot: ['3.7.0', '3.7.0'], evolution: ['1.7.4'], storage: ['local'] } });
    expect(errors).toEqual([{ path: 'axes.chatwoot[1]', message: 'duplicate of axes.chatwoot[0]', value: '3.7.0' }]);
    const empty = errorsOf({ axes: { chatwoot: [], evolution: ['1.7.4'], storage: ['local'] } });
    expect(empty).toEqual([{ path: 'axes.chatwoot', message: 'empty axis: list at least one value', value: [], allowed: [...CHATWOOT_VERSIONS] }]);
  });

  it('rejects unknown suites and unknown keys, naming what is allowed', () => {
    const errors = errorsOf({ ...minimal(), suites: ['auth', 'nope'], extra: 1 });
    expect(errors).toContainEqual({
      path: 'extra',
      message: 'unknown key',
      value: 1,
      allowed: ['$schema', 'axes', 'suites', 'settings', 'expectations', 'jobs'],
    });
    const fromRules = errorsOf({ ...minimal(), suites: ['auth', 'nope'] });
    expect(fromRules).toEqual([{ path: 'suites[1]', message: 'unknown suite', value: 'nope', allowed: TEST_CATALOG.map((suite) => suite.id) }]);
  });

  it('reports bad values inside one-or-many `when` lists and settings', () => {
    const errors = errorsOf({
      ...minimal(),
      settings: { chatwoot: { defaultLocale: 'fr' } },
      expectations: [{ when: { chatwoot: ['3.8.0', '4.0.0'] }, scenarios: ['auth/chatwoot-wrong-token'], reason: 'r' }],
    });
    expect(errors).toContainEqual({ path: 'settings.chatwoot.defaultLocale', message: 'not an allowed value', value: 'fr', allowed: ['en', 'pt_BR'] });
    expect(errors).toContainEqual({
      path: 'expectations[0].when.chatwoot[1]',
      message: 'not an allowed value',
      value: '4.0.0',
      allowed: [...CHATWOOT_VERSIONS],
    });
  });

  it('warns about expectations that can never be checked', () => {
    const check = checkMatrix(
      { ...minimal(), suites: ['auth'], expectations: [{ when: { chatwoot: '3.9.0' }, scenarios: ['bot-command/status-round-trip'], reason: 'r' }] },
      TEST_CATALOG,
    );
    expect(check.errors).toBeUndefined();
    expect(check.warnings.map((warning) => warning.path)).toEqual(['expectations[0].scenarios[0]', 'expectations[0].when.chatwoot']);
  });
});

describe('loadMatrixFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evochat-matrix-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names line and column of a JSON syntax error', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{\n  "axes": {\n    "chatwoot": ["3.7.0",]\n  }\n}\n');
    const error = await loadMatrixFile(file, TEST_CATALOG).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as ConfigError).message).toMatch(/invalid JSON at line 3, column 2[0-9]/);
  });

  it('throws a ConfigError with every issue for an invalid file', async () => {
    const file = join(dir, 'invalid.json');
    await writeFile(file, JSON.stringify({ axes: { chatwoot: ['3.6.0'], evolution: [], storage: ['local'] } }));
    const error = (await loadMatrixFile(file, TEST_CATALOG).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('2 problems');
    expect(error.issues.map((issue) => issue.path)).toEqual(['axes.chatwoot[0]', 'axes.evolution']);
  });

  it('loads the project matrix.json with the known expectations', async () => {
    const { config, warnings } = await loadMatrixFile(join(import.meta.dirname, '../../matrix.json'), TEST_CATALOG);
    expect(warnings).toEqual([]);
    expect(config.axes).toEqual({ chatwoot: ['3.7.0', '3.8.0', '3.9.0'], evolution: ['1.7.4', '1.7.5'], storage: ['local', 'minio'] });
    const contactId = config.expectations.find((e) => e.references.includes('chatwoot#8239'));
    expect(contactId?.when).toEqual({ chatwoot: ['3.8.0', '3.9.0'], evolution: ['1.7.4'], storage: ['local', 'minio'] });
    expect(JSON.parse(await readFile(join(import.meta.dirname, '../../matrix.json'), 'utf8')).$schema).toBe('./schemas/matrix.schema.json');
  });
});
