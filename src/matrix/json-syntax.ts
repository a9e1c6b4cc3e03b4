import { ConfigError } from '../errors/index.ts';
import { toDottedPath } from './dotted-path.ts';

export interface TextPosition {
  line: number;
  column: number;
}

/** 1-based line and column of a character offset. */
export function positionOf(text: string, offset: number): TextPosition {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Deepest nesting of arrays and objects a configuration or result file may have. Ours need about ten;
 * the limit keeps recursive code (our syntax scan, zod, printers) far from the stack limit.
 */
export const MAX_JSON_DEPTH = 100;

/** The path to the first value nested deeper than `maxDepth`, or undefined. Iterative: any depth is safe. */
export function pathTooDeep(value: unknown, maxDepth: number = MAX_JSON_DEPTH): PropertyKey[] | undefined {
  interface Frame {
    value: unknown;
    depth: number;
    key: PropertyKey | undefined;
    parent: Frame | undefined;
  }
  const stack: Frame[] = [{ value, depth: 0, key: undefined, parent: undefined }];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.value === null || typeof frame.value !== 'object' || seen.has(frame.value)) continue;
    seen.add(frame.value);
    if (frame.depth >= maxDepth) {
      const path: PropertyKey[] = [];
      for (let at: Frame | undefined = frame; at?.key !== undefined; at = at.parent) path.unshift(at.key);
      return path;
    }
    for (const [key, child] of Object.entries(frame.value)) {
      stack.push({ value: child, depth: frame.depth + 1, key: Array.isArray(frame.value) ? Number(key) : key, parent: frame });
    }
  }
  return undefined;
}

/**
 * Offset of the first character that makes `text` invalid JSON, or undefined when it is valid.
 * Node 20's JSON.parse often reports no position at all ("Unexpected token ']', …"), so we find it.
 */
export function findJsonErrorOffset(text: string): number | undefined {
  return findJsonProblem(text)?.offset;
}

export interface JsonProblem {
  offset: number;
  /** Nesting passed MAX_JSON_DEPTH at `offset` (the scan stops there rather than recurse on). */
  tooDeep: boolean;
}

/** Where `text` stops being JSON, and whether because it nests deeper than MAX_JSON_DEPTH. */
export function findJsonProblem(text: string): JsonProblem | undefined {
  let i = 0;
  let depth = 0;
  let tooDeep = false;
  const enter = () => {
    depth++;
    if (depth > MAX_JSON_DEPTH) {
      tooDeep = true;
      fail();
    }
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw new JsonScanStop(i);
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[i] !== char) fail();
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length) {
      const char = text[i]!;
      if (char === '"') {
        i++;
        return;
      }
      if (char === '\\') {
        i++;
        if (text[i] === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail();
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
        i++;
        continue;
      }
      if (char.charCodeAt(0) < 0x20) fail();
      i++;
    }
    fail();
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match || match[0] === '' || match[0] === '-') fail();
    i += match![0].length;
  };
  const value = (): void => {
    ws();
    const char = text[i];
    if (char === '{') {
      enter();
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        depth--;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          depth--;
          return;
        }
        fail();
      }
    }
    if (char === '[') {
      enter();
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        depth--;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          depth--;
          return;
        }
        fail();
      }
    }
    if (char === '"') return string();
    if (char === 't') return literal('true');
    if (char === 'f') return literal('false');
    if (char === 'n') return literal('null');
    return number();
  };
  try {
    value();
    ws();
    return i < text.length ? { offset: i, tooDeep } : undefined;
  } catch (stop) {
    if (stop instanceof JsonScanStop) return { offset: stop.offset, tooDeep };
    throw stop;
  }
}

/** Unwinds the recursive scan from the offset where the text stops being JSON. */
class JsonScanStop extends Error {
  constructor(readonly offset: number) {
    super(`JSON stops at offset ${offset}`);
  }
}

function describeAt(text: string, offset: number): string {
  const char = text[offset];
  return char === undefined ? 'unexpected end of input' : `unexpected ${JSON.stringify(char)}`;
}

/**
 * Why `text` is not acceptable JSON, in words with line and column, or undefined with the parsed value.
 * Nesting deeper than MAX_JSON_DEPTH is refused as well, valid or not.
 */
export function checkJsonText(text: string): { ok: true; value: unknown } | { ok: false; reason: string; line: number; column: number } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const problem = findJsonProblem(text) ?? { offset: text.length, tooDeep: false };
    const { line, column } = positionOf(text, problem.offset);
    const what = problem.tooDeep ? `nested deeper than ${MAX_JSON_DEPTH} levels` : describeAt(text, problem.offset);
    return { ok: false, reason: `invalid JSON at line ${line}, column ${column}: ${what}`, line, column };
  }
  const deep = pathTooDeep(value);
  if (deep) return { ok: false, reason: `nested deeper than ${MAX_JSON_DEPTH} levels (at ${toDottedPath(deep.slice(0, 4))}…)`, line: 0, column: 0 };
  return { ok: true, value };
}

/** JSON.parse with an error (exit 2) that names the file, line and column. */
export function parseJsonText(text: string, file: string): unknown {
  const checked = checkJsonText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (checked.ok) return checked.value;
  const { reason, line, column } = checked;
  throw new ConfigError(`${file}: ${reason}`, [{ path: '', message: reason }], { details: { file, line, column } });
}
