/**
 * Reads a result.json written by an earlier run and validates it with the zod schema. Every way it can
 * be wrong (unreadable, not JSON, another schema version, a field that does not match) is a ConfigError
 * with code EVOCHAT_E_RESULT_SCHEMA naming the file, the field and what was expected: exit 2.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, ErrorCodes, type ConfigIssue } from '../errors/index.ts';
import { findJsonErrorOffset, positionOf } from '../matrix/json-syntax.ts';
import { toConfigIssues } from '../matrix/zod-config-issues.ts';
import { RESULT_SCHEMA_VERSION, RunResult } from '../result/result-schema.ts';

const MAX_ISSUES = 20;

function resultError(message: string, issues: ConfigIssue[], hint?: string, details?: Record<string, unknown>): ConfigError {
  return new ConfigError(message, issues, {
    code: ErrorCodes.resultSchema,
    ...(hint ? { hint } : {}),
    ...(details ? { details } : {}),
  });
}

/** A short stand-in for a value in an error message: big strings and objects are summarised. */
function displayValue(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 120 ? `${value.slice(0, 120)}…` : value;
  if (Array.isArray(value)) return `[array of ${value.length}]`;
  if (value !== null && typeof value === 'object') return '[object]';
  return value;
}

/** Validates the text of a result file; `source` names it in errors. */
export function parseResult(text: string, source: string): RunResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const offset = findJsonErrorOffset(text) ?? text.length;
    const { line, column } = positionOf(text, offset);
    const found = text[offset] === undefined ? 'the text ends early' : `unexpected ${JSON.stringify(text[offset])}`;
    throw resultError(
      `${source} is not valid JSON: ${found} at line ${line}, column ${column}`,
      [{ path: '(file)', message: `invalid JSON at line ${line}, column ${column}: ${found}` }],
      'The file is corrupt or was cut short (an interrupted run or upload?). Run the matrix again to get a new result.json.',
      { file: source, line, column },
    );
  }

  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw resultError(`${source} is not an evochat-matrix result: expected a JSON object`, [
      { path: '(root)', message: 'expected an object', value: displayValue(data) },
    ]);
  }

  const record = data as Record<string, unknown>;
  if (!('schemaVersion' in record)) {
    throw resultError(`${source} has no schemaVersion: it is not an evochat-matrix result`, [
      { path: 'schemaVersion', message: 'missing', allowed: [RESULT_SCHEMA_VERSION] },
    ]);
  }
  if (record.schemaVersion !== RESULT_SCHEMA_VERSION) {
    const tool = record.tool as { version?: unknown } | undefined;
    const writer = typeof tool?.version === 'string' ? ` (written by evochat-matrix ${tool.version})` : '';
    throw resultError(
      `${source} uses result schema version ${JSON.stringify(record.schemaVersion)}${writer}; this evochat-matrix reads version ${RESULT_SCHEMA_VERSION}`,
      [{ path: 'schemaVersion', message: 'unsupported result schema version', value: displayValue(record.schemaVersion), allowed: [RESULT_SCHEMA_VERSION] }],
      'Render it with the evochat-matrix version that wrote it, or run the matrix again.',
    );
  }

  const parsed = RunResult.safeParse(data);
  if (!parsed.success) {
    const all = toConfigIssues(parsed.error.issues, data, RunResult).map((issue) =>
      'value' in issue ? { ...issue, value: displayValue(issue.value) } : issue,
    );
    const issues = all.slice(0, MAX_ISSUES);
    if (all.length > MAX_ISSUES) issues.push({ path: '(more)', message: `${all.length - MAX_ISSUES} more problems not listed` });
    const first = issues[0];
    throw resultError(
      `${source} does not match the result schema (version ${RESULT_SCHEMA_VERSION}): ${all.length} problem(s)` +
        (first ? `, first at ${first.path || '(root)'}: ${first.message}` : ''),
      issues,
    );
  }
  return parsed.data;
}

/** Reads and validates a result.json; see {@link parseResult} for the errors. */
export async function loadResult(path: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw resultError(`cannot read the result file ${path}: ${code === 'ENOENT' ? 'no such file' : code}`, [
      { path: '(file)', message: code },
    ]);
  }
  return parseResult(text, path);
}
