/**
 * `expect[].evidence` of a bug report comes from whoever wrote the report, and is run over every recorded
 * exchange. With JavaScript's backtracking RegExp, `(.+)+\x01` takes minutes on a 30-character body and
 * blocks the event loop (not even Ctrl-C is handled). RE2 syntax, matched by re2js (a pure-JS port of
 * RE2: no native build, no WASM), runs in time linear in the text; the program-size cap bounds the
 * factor, so a search over a scenario's evidence stays in milliseconds. A worker with a deadline would
 * bound time too, but gives "no answer" instead of the answer; literal matching would drop the
 * documented regex syntax.
 */
import { RE2JS } from 're2js';

/** Longest pattern accepted (the 422 and 401 texts reports quote are under 100 characters). */
export const MAX_EVIDENCE_PATTERN_CHARS = 500;
/** x */
export const MAX_EVIDENCE_PROGRAM_SIZE = 1000;

export interface EvidencePattern {
  readonly source: string;
  /** Whether the pattern occurs anywhere in `text` (`.` also matches a newline). */
  test(text: string): boolean;
}

/** Compiles a bug report's evidence pattern; throws an Error saying why it is not acceptable. */
export function compileEvidencePattern(source: string): EvidencePattern {
  if (source.length > MAX_EVIDENCE_PATTERN_CHARS) throw new Error(`longer than ${MAX_EVIDENCE_PATTERN_CHARS} characters`);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source, RE2JS.DOTALL);
  } catch (error) {
    throw new Error(`not a regular expression in RE2 syntax: ${error instanceof Error ? error.message : String(error)}`);
  }
  const size = compiled.programSize();
  if (size > MAX_EVIDENCE_PROGRAM_SIZE)
    throw new Error(`too complex (RE2 program size ${size}, at most ${MAX_EVIDENCE_PROGRAM_SIZE}): use fewer or smaller {n} repetitions`);
  return { source, test: (text) => compiled.test(text) };
}

/** Why `source` is not an acceptable evidence pattern, or undefined when it is. */
export function evidencePatternProblem(source: string): string | undefined {
  try {
    compileEvidencePattern(source);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
