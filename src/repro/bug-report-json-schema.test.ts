import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

const SCHEMA = fileURLToPath(new URL('../../schemas/bug-report.schema.json', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../fixtures/bug-reports/', import.meta.url));

describe('schemas/bug-report.schema.json (generated from the zod schema)', () => {
  it('accepts every fixture and rejects an unknown version or an unknown key', async () => {
    const schema = z.fromJSONSchema(JSON.parse(await readFile(SCHEMA, 'utf8')));
    for (const name of (await readdir(FIXTURES)).filter((file) => file.endsWith('.yaml'))) {
      const report = parse(await readFile(`${FIXTURES}${name}`, 'utf8')) as Record<string, unknown>;
      expect(schema.safeParse(report).success, name).toBe(true);
    }
    const base = { title: 't', symptom: 's', versions: { chatwoot: '3.8.0', evolution: '1.7.4' } };
    expect(schema.safeParse(base).success).toBe(true);
    expect(schema.safeParse({ ...base, versions: { chatwoot: '3.10.0', evolution: '1.7.4' } }).success).toBe(false);
    expect(schema.safeParse({ ...base, settings: { serverURL: 'x' } }).success).toBe(false);
  });
});
