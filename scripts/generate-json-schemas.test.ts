import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CHATWOOT_VERSIONS } from '../src/model/axes.ts';
import { PROJECT_ROOT, renderJsonSchemas } from './generate-json-schemas.ts';

async function committedSchema(path: string) {
  return z.fromJSONSchema(JSON.parse(await readFile(join(PROJECT_ROOT, path), 'utf8')));
}

describe('committed JSON Schemas', () => {
  for (const [path, fresh] of Object.entries(renderJsonSchemas())) {
    it(`${path} is current (run \`npm run schemas\` after changing the zod schema)`, async () => {
      const committed = await readFile(join(PROJECT_ROOT, path), 'utf8').catch(() => '(missing)');
      expect(committed).toBe(fresh);
    });
  }

  it('describe what the zod schemas accept', () => {
    const schemas = Object.fromEntries(Object.entries(renderJsonSchemas()).map(([path, text]) => [path, JSON.parse(text)]));
    const matrix = schemas['schemas/matrix.schema.json'];
    expect(matrix.required).toEqual(['axes']);
    expect(matrix.properties.axes.properties.chatwoot.items.enum).toEqual([...CHATWOOT_VERSIONS]);
    expect(matrix.additionalProperties).toBe(false);
    const result = schemas['schemas/result.schema.json'];
    expect(result.properties.schemaVersion.const).toBe(1);
    expect(result.properties.cells.items.required).toEqual(expect.arrayContaining(['chatwoot', 'evolution', 'storage', 'verdict', 'scenarios']));
  });
});

describe('validation against the committed JSON Schemas', () => {
  it('accepts the project matrix files and rejects an unknown version', async () => {
    const schema = await committedSchema('schemas/matrix.schema.json');
    expect(schema.safeParse(JSON.parse(await readFile(join(PROJECT_ROOT, 'matrix.json'), 'utf8'))).success).toBe(true);
    expect(schema.safeParse(JSON.parse(await readFile(join(PROJECT_ROOT, 'matrix.extended.json'), 'utf8'))).success).toBe(true);
    expect(schema.safeParse({ axes: { chatwoot: ['3.6.0'], evolution: ['1.7.4'], storage: ['local'] } }).success).toBe(false);
  });
});
