/**
 * Reads a result.json written by an earlier run and validates it with the zod schema. Every way it can
 * be wrong (unreadable, not JSON, another schema version, a field that does not match) is a ConfigError
 * with code EVOCHAT_E_RESULT_SCHEMA naming the file, the field and what was expected: exit 2.
 */
import { MAX_RESULT_FILE_BYTES, readTextFile } from '../common/read-text-file.ts';
import { ConfigError, ErrorCodes, type ConfigIssue } from '../errors/index.ts';
import { toDottedPath } from '../matrix/dotted-path.ts';
import { findJsonProblem, MAX_JSON_DEPTH, pathTooDeep, positionOf } from '../matrix/json-syntax.ts';
import { toConfigIssues } from '../matrix/zod-config-issues.ts';
import { RESULT_SCHEMA_VERSION, RunResult } from '../model/result-schema.ts';

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
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const problem = findJsonProblem(text) ?? { offset: text.length, tooDeep: false };
    const { line, column } = positionOf(text, problem.offset);
    const char = text[problem.offset];
    const found = problem.tooDeep
      ? `nested deeper than ${MAX_JSON_DEPTH} levels`
      : char === undefined
        ? 'the text ends early'
        : `unexpected ${JSON.stringify(char)}`;
    throw resultError(
      `${source} is not valid JSON: ${found} at line ${line}, column ${column}`,
      [],
      'The file is corrupt or was cut short (an interrupted run or upload?). Run the matrix again to get a new result.json.',
      { file: source, line, column },
    );
  }
  const deep = pathTooDeep(data);
  if (deep)
    throw resultError(`${source} is not an evochat-matrix result: nested deeper than ${MAX_JSON_DEPTH} levels (at ${toDottedPath(deep.slice(0, 4))}…)`, []);

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
    // The printer joins the first problem (path, value, allowed values) to this line.
    throw resultError(`${source} does not match the result schema (version ${RESULT_SCHEMA_VERSION}): ${all.length} problem(s)`, issues);
  }
  return parsed.data;
}

/** Reads and validates a result.json; see {@link parseResult} for the errors. */
export async function loadResult(path: string): Promise<RunResult> {
  const read = await readTextFile(path, MAX_RESULT_FILE_BYTES);
  if (!read.ok) throw resultError(`cannot read the result file ${path}: ${read.reason}`, []);
  return parseResult(read.text, path);
}
