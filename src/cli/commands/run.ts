import { dirname, join } from 'node:path';
import { renderTerminalReport } from '../../report/terminal-grid.ts';
import { shouldUseColor } from '../../report/terminal-style.ts';
import { runMatrix, type RunMatrixDeps } from '../../runner/run-matrix.ts';
import { loadShardTimes } from '../../runner/shard-times.ts';
import { parseCommandOptions } from '../options/option-fields.ts';
import { RunOptions, type RunOptionsInput } from '../options/run-options.ts';
import { captureProcessWarnings, writeWarningsLog } from '../process-warnings.ts';
import { runInterruptible, SERVICES_FORCE_NOTE } from '../signals.ts';
import type { AttachSession } from '../../backends/attach/attach-session.ts';
import { openAttach } from '../attach-cli.ts';
import { attachOptionsOf } from '../options/attach-options.ts';
import type { RunOptions as ParsedRunOptions } from '../options/run-options.ts';

export interface RunCommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  /** Install SIGINT/SIGTERM/SIGHUP handlers (the CLI does; tests calling the function directly need not). */
  handleSignals: boolean;
  deps?: Partial<RunMatrixDeps>;
}

/** The command as given (defaults cac filled in included), for result.json. */
function commandLine(given: RunOptionsInput): string {
  const parts = ['evochat-matrix run'];
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined || key === '--' || key.length === 1) continue;
    const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (value === false) parts.push(`--no-${flag}`);
    else if (value !== true) parts.push(`--${flag} ${String(value)}`);
  }
  return parts.join(' ');
}

/**
 * `run`: matrix.json (narrowed by --chatwoot/--evolution/--storage/--suite) on the chosen backend;
 * writes <out>/result.json, prints the grid, returns the exit code (0 as expected, 1 unexpected,
 * 2 usage/config, 3 infrastructure). SIGINT stops every service and exits 130; SIGTERM and SIGHUP exit 3
 * (src/cli/signals.ts: a second signal forces the exit only after the grace period).
 */
export async function runCommand(given: RunOptionsInput, io: Partial<RunCommandIo> = {}): Promise<number> {
  const options = parseCommandOptions('run', RunOptions, given);
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  return runInterruptible(
    {
      action: 'stopping every service, then exiting',
      stderr,
      forceNote: SERVICES_FORCE_NOTE,
      enabled: io.handleSignals ?? true,
      interrupted: (signal) => `interrupted by ${signal}: services stopped, no result written`,
    },
    async (stop) => {
      const hold = await openAttach(attachOptionsOf(options), env);
      try {
        return await runAndReport(options, given, { stdout, stderr, env, deps: io.deps }, stop?.signal, hold?.session());
      } finally {
        await hold?.close(stderr);
      }
    },
  );
}

async function runAndReport(
  options: ParsedRunOptions,
  given: RunOptionsInput,
  io: Pick<RunCommandIo, 'stdout' | 'stderr' | 'env'> & { deps: Partial<RunMatrixDeps> | undefined },
  signal: AbortSignal | undefined,
  attached: AttachSession | undefined,
): Promise<number> {
  const { stdout, stderr, env } = io;
  const filters = {
    ...(options.chatwoot ? { chatwoot: options.chatwoot } : {}),
    ...(options.evolution ? { evolution: options.evolution } : {}),
    ...(options.storage ? { storage: options.storage } : {}),
    ...(options.suite ? { suites: options.suite } : {}),
  };
  const shardDurations = options.shardTimes ? await loadShardTimes(options.shardTimes) : undefined;
  const libraryWarnings = captureProcessWarnings();
  const run = await runMatrix({
    matrixFile: options.matrix,
    backend: options.backend,
    images: options.images,
    filters,
    ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
    outDir: options.out,
    command: commandLine(given),
    ...(options.compare ? { compareWith: options.compare } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
    ...(shardDurations ? { shardDurations } : {}),
    ...(signal ? { signal } : {}),
    ...(options.progress ? { progressStream: stderr } : {}),
    // A complete run's line is progress (its grid names result.json); an incomplete run's is always said.
    onOutDir: (line, what) => {
      if (what === 'kept' || options.progress) stderr.write(`${line}\n`);
    },
    env,
    ...(attached ? { attached } : {}),
    ...(io.deps ? { deps: io.deps } : {}),
  }).finally(() => libraryWarnings.restore());
  const warningsLog = join(dirname(run.resultFile), 'process-warnings.log');
  if (await writeWarningsLog(warningsLog, libraryWarnings.warnings)) {
    stderr.write(`${libraryWarnings.warnings.length} library warning(s) (not ours) written to ${warningsLog}\n`);
  }
  if (run.result.shard && run.result.cells.length === 0) {
    stderr.write(
      `shard ${run.result.shard.index}/${run.result.shard.count} has no cells (the plan has fewer Chatwoot stack groups than shards): wrote an empty result\n`,
    );
  }
  for (const warning of run.warnings) stderr.write(`warning: ${warning.path}: ${warning.message}\n`);
  stdout.write(renderTerminalReport(run.result, { color: shouldUseColor(stdout, env), resultFile: run.resultFile }));
  return run.exitCode;
}
