/**
 * Library process warnings (the AWS SDK's NodeVersionSupportWarning, deprecations of dependencies) would land
 * in the middle of the progress output: while a run is on, they are collected instead, and the run writes
 * them to its log file. The harness's own warnings are not process warnings (they are in the result and
 * printed by the run command), so they stay visible.
 */
import { appendFile } from 'node:fs/promises';

export interface WarningCapture {
  /** The warnings seen so far, one text block each (`Name: message`). */
  readonly warnings: readonly string[];
  /** Puts process.emitWarning back. */
  restore(): void;
}

function describe(warning: string | Error, rest: unknown[]): string {
  if (typeof warning !== 'string') return `${warning.name}: ${warning.message}`;
  const [options] = rest;
  const type = typeof options === 'string' ? options : ((options as { type?: string } | undefined)?.type ?? 'Warning');
  // Some libraries put their own name in the message (`NodeVersionSupportWarning: …`): keep it as it is.
  return /^\w+Warning: /.test(warning) ? warning : `${type}: ${warning}`;
}

/** Collects every process warning until restore(); nothing reaches the terminal meanwhile. */
export function captureProcessWarnings(): WarningCapture {
  const original = process.emitWarning.bind(process);
  const warnings: string[] = [];
  const capture = (warning: string | Error, ...rest: unknown[]): void => {
    warnings.push(describe(warning, rest));
  };
  process.emitWarning = capture as typeof process.emitWarning;
  return {
    warnings,
    restore: () => {
      if (process.emitWarning === (capture as typeof process.emitWarning)) process.emitWarning = original;
    },
  };
}

/** Appends the collected warnings to `file`; nothing when there were none. */
export async function writeWarningsLog(file: string, warnings: readonly string[]): Promise<boolean> {
  if (warnings.length === 0) return false;
  await appendFile(file, warnings.map((warning) => `${warning.trimEnd()}\n`).join('\n'), 'utf8');
  return true;
}
