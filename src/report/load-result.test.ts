import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.ts';
import { loadResult, parseResult } from './load-result.ts';
import { fixturePath, loadFixture } from './test-support/result-fixtures.ts';

async function loadError(path: string): Promise<ConfigError> {
  const error = await loadResult(path).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

function parseError(text: string): ConfigError {
  try {
    parseResult(text, 'given.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('parseResult accepted invalid input');
}

describe('loadResult', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evochat-load-result-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and validates a result file', async () => {
    const result = await loadResult(fixturePath('sample-result'));
    expect(result.cells).toHaveLength(12);
    expect(result).toEqual(loadFixture('sample-result'));
  });

  it('rejects another schema version, naming the file, the field, the version found and the one expected', async () => {
    const error = await loadError(fixturePath('wrong-schema-version'));
    expect(error.code).toBe('EVOCHAT_E_RESULT_SCHEMA');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('wrong-schema-version.json');
    expect(error.message).toContain('schema version 2');
    expect(error.message).toContain('written by evochat-matrix 0.9.0');
    expect(error.message).toContain('reads version 1');
    expect(error.issues).toEqual([expect.objectContaining({ path: 'schemaVersion', value: 2, allowed: [1] })]);
  });

  it('rejects a corrupt file with the line and column where it stops being JSON', async () => {
    const error = await loadError(fixturePath('corrupt-result'));
    expect(error.code).toBe('EVOCHAT_E_RESULT_SCHEMA');
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/corrupt-result\.json is not valid JSON: the text ends early at line 41, column 11/);
    expect(error.details).toMatchObject({ line: 41, column: 11 });
  });

  it('points at the offending character of a syntax error in the middle', () => {
    const error = parseError('{\n  "schemaVersion": 1,\n  "cells": [1,, 2]\n}');
    expect(error.message).toBe('given.json is not valid JSON: unexpected "," at line 3, column 15');
  });

  it('names the dotted path, the value and the allowed values of a schema mismatch', async () => {
    const sample = loadFixture('sample-result') as unknown as { cells: { verdict: string; scenarios: { status: string }[] }[] };
    const broken = structuredClone(sample);
    broken.cells[3]!.verdict = 'kaputt';
    const file = join(dir, 'mismatch.json');
    await writeFile(file, JSON.stringify(broken));
    const error = await loadError(file);
    expect(error.code).toBe('EVOCHAT_E_RESULT_SCHEMA');
    expect(error.message).toContain(`${file} does not match the result schema (version 1): 1 problem(s)`);
    expect(error.issues[0]).toMatchObject({ path: 'cells[3].verdict', value: 'kaputt' });
    expect(error.issues[0]?.allowed).toContain('unexpected-break');
  });

  it('says when a field is missing', () => {
    const sample = structuredClone(loadFixture('sample-result')) as unknown as Record<string, unknown>;
    delete sample.runId;
    const error = parseError(JSON.stringify(sample));
    expect(error.issues[0]).toMatchObject({ path: 'runId', message: expect.stringContaining('missing') });
  });

  it('summarises huge values instead of echoing them', () => {
    const sample = structuredClone(loadFixture('sample-result')) as unknown as Record<string, unknown>;
    sample.runId = { blob: 'z'.repeat(100_000) };
    const error = parseError(JSON.stringify(sample));
    expect(error.issues[0]).toMatchObject({ path: 'runId', value: '[object]' });
    expect(JSON.stringify(error.issues).length).toBeLessThan(2000);
  });

  it('rejects JSON that is not a result object, and a file without schemaVersion', () => {
    expect(parseError('[1, 2]').message).toContain('expected a JSON object');
    expect(parseError('{"cells": []}').message).toContain('has no schemaVersion');
  });

  it('names a file it cannot read', async () => {
    const error = await loadError(join(dir, 'missing.json'));
    expect(error.code).toBe('EVOCHAT_E_RESULT_SCHEMA');
    expect(error.message).toContain('missing.json: no such file');
  });
});
