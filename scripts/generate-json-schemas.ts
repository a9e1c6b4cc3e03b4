/**
 * `npm run schemas`: writes the JSON Schemas generated from the zod schemas, so editors can check
 * matrix.json and other tools can read result.json. scripts/generate-json-schemas.test.ts fails when a
 * committed file differs from a fresh generation.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { MatrixFile } from '../src/matrix/matrix-schema.ts';
import { DriftReport } from '../src/model/drift-report.ts';
import { RESULT_SCHEMA_VERSION, RunResult } from '../src/model/result-schema.ts';
import { BugReport } from '../src/repro/bug-report-schema.ts';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Relative path → file content, exactly as committed. */
export function renderJsonSchemas(): Record<string, string> {
  // matrix.json is written by people: its schema describes the input (defaults make keys optional).
  const matrix = z.toJSONSchema(MatrixFile, { io: 'input', target: 'draft-2020-12' });
  const result = {
    ...z.toJSONSchema(RunResult, { io: 'output', target: 'draft-2020-12' }),
    title: `evochat-matrix run result (schemaVersion ${RESULT_SCHEMA_VERSION})`,
  };
  // Bug reports are written by people too: input side, defaults optional.
  const bugReport = z.toJSONSchema(BugReport, { io: 'input', target: 'draft-2020-12' });
  return {
    'schemas/matrix.schema.json': `${JSON.stringify(matrix, null, 2)}\n`,
    'schemas/result.schema.json': `${JSON.stringify(result, null, 2)}\n`,
    'schemas/bug-report.schema.json': `${JSON.stringify(bugReport, null, 2)}\n`,
    'schemas/drift.schema.json': `${JSON.stringify(z.toJSONSchema(DriftReport, { io: 'output', target: 'draft-2020-12' }), null, 2)}\n`,
  };
}

async function main(): Promise<void> {
  for (const [path, content] of Object.entries(renderJsonSchemas())) {
    const target = join(PROJECT_ROOT, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
    process.stdout.write(`wrote ${path}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
