import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface DockerCliResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface DockerCliOptions {
  /** Piped to the command's stdin (e.g. a root filesystem tarball for `docker import -`). */
  stdin?: Readable;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Runs the docker CLI (building images is the one thing done with the CLI: `docker import` streams a tarball,
 * and a failed `docker build` must fail loudly, which testcontainers' builder does not guarantee).
 * Resolves with the exit code; never throws for a non-zero exit, so callers can probe (`image inspect`).
 */
export function runDocker(args: readonly string[], options: DockerCliOptions = {}): Promise<DockerCliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    if (options.stdin && child.stdin) {
      options.stdin.on('error', (error) => child.kill() && reject(error));
      options.stdin.pipe(child.stdin);
    }
    child.on('close', (code) => resolve({ stdout, stderr, code: code ?? 1 }));
  });
}

/** Like runDocker, but a non-zero exit is an error carrying the command's stderr. */
export async function runDockerChecked(args: readonly string[], options: DockerCliOptions = {}): Promise<string> {
  const result = await runDocker(args, options);
  if (result.code !== 0) {
    const error = new Error(`docker ${args.slice(0, 2).join(' ')} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
    throw error;
  }
  return result.stdout;
}
