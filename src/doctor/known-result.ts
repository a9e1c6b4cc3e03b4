import { stat } from 'node:fs/promises';
import { loadResult } from '../report/load-result.ts';
import type { RunResult } from '../model/result-schema.ts';

/** The matrix result the doctor and can-i-upgrade answer from ("the verdict known for that pair"). */
export type KnownResult =
  { kind: 'none'; looked: string[] } | { kind: 'loaded'; file: string; result: RunResult } | { kind: 'invalid'; file: string; message: string };

export const DEFAULT_RESULT_FILE = 'out/result.json';

/**
 * `explicit` (--result) must exist and be valid (exit 2 otherwise); the default location is used
 * only when present, and a broken default file is reported, not fatal.
 */
export async function loadKnownResult(explicit: string | undefined, fallback = DEFAULT_RESULT_FILE): Promise<KnownResult> {
  if (explicit) return { kind: 'loaded', file: explicit, result: await loadResult(explicit) };
  try {
    await stat(fallback);
  } catch {
    return { kind: 'none', looked: [fallback] };
  }
  try {
    return { kind: 'loaded', file: fallback, result: await loadResult(fallback) };
  } catch (error) {
    return { kind: 'invalid', file: fallback, message: error instanceof Error ? error.message : String(error) };
  }
}
