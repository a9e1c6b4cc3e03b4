import { renderTerminalReport } from '../../report/terminal-grid.ts';
import { shouldUseColor } from '../../report/terminal-style.ts';
import { mergeResults } from '../../runner/merge-results.ts';
import { parseCommandOptions } from '../options/option-fields.ts';
import { MergeOptions, type MergeOptionsInput } from '../options/merge-options.ts';

export interface MergeCommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/**
 * `merge <dir|file>…`: shard results (run --shard i/n) → one result in --out with every report, and the exit
 * code one unsharded run would have given (a missing shard's cells are not run: exit 3 unless something broke).
 */
export async function mergeCommand(given: MergeOptionsInput, io: Partial<MergeCommandIo> = {}): Promise<number> {
  const options = parseCommandOptions('merge', MergeOptions, given);
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const command = [
    'evochat-matrix merge',
    ...options.inputs,
    `--out ${options.out}`,
    ...(options.matrix ? [`--matrix ${options.matrix}`] : []),
    ...(options.compare ? [`--compare ${options.compare}`] : []),
  ].join(' ');
  const merged = await mergeResults({
    inputs: options.inputs,
    outDir: options.out,
    command,
    env,
    ...(options.matrix ? { matrixFile: options.matrix } : {}),
    ...(options.compare ? { compareWith: options.compare } : {}),
  });
  const info = merged.result.merged!;
  stderr.write(`merged shards ${info.shards.join(', ')} of ${info.count} (plan ${info.planId})\n`);
  if (merged.missing.length > 0)
    stderr.write(`no result for shard(s) ${merged.missing.join(', ')} of ${info.count}: their cells are marked not run (EVOCHAT_E_SHARD_MISSING)\n`);
  stdout.write(renderTerminalReport(merged.result, { color: shouldUseColor(stdout, env), resultFile: merged.resultFile }));
  return merged.exitCode;
}
