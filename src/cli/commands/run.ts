import { dirname, join } from 'node:path';
import { parseListOption } from '../../matrix/select-cells.ts';
import { renderTerminalReport } from '../../report/terminal-grid.ts';
import { shouldUseColor } from '../../report/terminal-style.ts';
import { runMatrix, type RunMatrixDeps } from '../../runner/run-matrix.ts';
import { captureProcessWarnings, writeWarningsLog } from '../process-warnings.ts';
import { runInterruptible, SERVICES_FORCE_NOTE } from '../signals.ts';
import { parseBackend, parseJobs } from '../option-values.ts';

/** What `evochat-matrix run` accepts (cac's camelCased options). */
export interface RunCommandOptions {
  matrix?: string;
  backend?: unknown;
  images?: string;
  chatwoot?: string;
  evolution?: string;
  storage?: string;
  suite?: string;
  jobs?: string | number;
  out?: string;
  compare?: string;
  /** false with --no-progress. */
  progress?: boolean;
}

export interface RunCommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  /** Install SIGINT/SIGTERM/SIGHUP handlers (the CLI does; tests calling the function directly need not). */
  handleSignals: boolean;
  deps?: Partial<RunMatrixDeps>;
}

function commandLine(options: RunCommandOptions): string {
  const parts = ['evochat-matrix run'];
  for (const [key, value] of Object.entries(options)) {
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
export async function runCommand(options: RunCommandOptions, io: Partial<RunCommandIo> = {}): Promise<number> {
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
      const filters = {
        ...(parseListOption(options.chatwoot) ? { chatwoot: parseListOption(options.chatwoot)! } : {}),
        ...(parseListOption(options.evolution) ? { evolution: parseListOption(options.evolution)! } : {}),
        ...(parseListOption(options.storage) ? { storage: parseListOption(options.storage)! } : {}),
        ...(parseListOption(options.suite) ? { suites: parseListOption(options.suite)! } : {}),
      };
      const jobs = parseJobs(options.jobs);
      const outDir = options.out ?? 'out';
      const libraryWarnings = captureProcessWarnings();
      const run = await runMatrix({
        matrixFile: options.matrix ?? 'matrix.json',
        backend: parseBackend(options.backend),
        images: options.images ?? 'upstream',
        filters,
        ...(jobs !== undefined ? { jobs } : {}),
        outDir,
        command: commandLine(options),
        ...(options.compare ? { compareWith: options.compare } : {}),
        ...(stop ? { signal: stop.signal } : {}),
        ...(options.progress !== false ? { progressStream: stderr } : {}),
        // A complete run's line is progress (its grid names result.json); an incomplete run's is always said.
        onOutDir: (line, what) => {
          if (what === 'kept' || options.progress !== false) stderr.write(`${line}\n`);
        },
        env,
        ...(io.deps ? { deps: io.deps } : {}),
      }).finally(() => libraryWarnings.restore());
      const warningsLog = join(dirname(run.resultFile), 'process-warnings.log');
      if (await writeWarningsLog(warningsLog, libraryWarnings.warnings)) {
        stderr.write(`${libraryWarnings.warnings.length} library warning(s) (not ours) written to ${warningsLog}\n`);
      }
      for (const warning of run.warnings) stderr.write(`warning: ${warning.path}: ${warning.message}\n`);
      stdout.write(renderTerminalReport(run.result, { color: shouldUseColor(stdout, env), resultFile: run.resultFile }));
      return run.exitCode;
    },
  );
}
