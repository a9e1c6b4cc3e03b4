import { ExitCodes, UsageError } from '../../errors/index.ts';
import { parseListOption } from '../../matrix/select-cells.ts';
import { renderTerminalReport } from '../../report/terminal-grid.ts';
import { shouldUseColor } from '../../report/terminal-style.ts';
import { InterruptedError, runMatrix, type RunMatrixDeps } from '../../runner/run-matrix.ts';

/** What `evochat-matrix run` accepts (cac's camelCased options). */
export interface RunCommandOptions {
  matrix?: string;
  backend?: string;
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
  /** Install SIGINT/SIGTERM handlers (the CLI does; tests calling the function directly need not). */
  handleSignals: boolean;
  deps?: Partial<RunMatrixDeps>;
}

function parseJobs(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError(`--jobs ${String(value)}: expected a whole number from 1 to 64`);
  return jobs;
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
 * 2 usage/config, 3 infrastructure). SIGINT stops every service and exits 130; SIGTERM exits 3.
 */
export async function runCommand(options: RunCommandOptions, io: Partial<RunCommandIo> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const handleSignals = io.handleSignals ?? true;

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      // Second signal: the user insists. Cleanup is best effort now.
      process.exit(signal === 'SIGINT' ? 130 : ExitCodes.infrastructure);
    }
    stderr.write(`\n${signal}: stopping every service, then exiting (again to force)\n`);
    controller.abort(new InterruptedError(signal));
  };
  if (handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  try {
    const filters = {
      ...(parseListOption(options.chatwoot) ? { chatwoot: parseListOption(options.chatwoot)! } : {}),
      ...(parseListOption(options.evolution) ? { evolution: parseListOption(options.evolution)! } : {}),
      ...(parseListOption(options.storage) ? { storage: parseListOption(options.storage)! } : {}),
      ...(parseListOption(options.suite) ? { suites: parseListOption(options.suite)! } : {}),
    };
    const jobs = parseJobs(options.jobs);
    const outDir = options.out ?? 'out';
    const run = await runMatrix({
      matrixFile: options.matrix ?? 'matrix.json',
      backend: options.backend ?? 'auto',
      images: options.images ?? 'upstream',
      filters,
      ...(jobs !== undefined ? { jobs } : {}),
      outDir,
      command: commandLine(options),
      ...(options.compare ? { compareWith: options.compare } : {}),
      signal: controller.signal,
      ...(options.progress !== false ? { progressStream: stderr } : {}),
      ...(io.deps ? { deps: io.deps } : {}),
    });
    for (const warning of run.warnings) stderr.write(`warning: ${warning.path}: ${warning.message}\n`);
    stdout.write(renderTerminalReport(run.result, { color: shouldUseColor(stdout, env), resultFile: run.resultFile }));
    return run.exitCode;
  } catch (error) {
    if (error instanceof InterruptedError) {
      stderr.write(`interrupted by ${error.signalName}: services stopped, no result written\n`);
      const code = error.signalName === 'SIGINT' ? 130 : ExitCodes.infrastructure;
      // Whatever the interrupted suite runner left behind must not keep the process alive.
      setTimeout(() => process.exit(code), 2_000).unref();
      return code;
    }
    throw error;
  } finally {
    if (handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
