/**
 * Test-only: the real CLI in a child process, the way a user starts it (tsx's CLI, the package bin, `npm run`),
 * with waits on its stderr (events, never sleeps), and what a test needs to check that nothing is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** How the CLI is started: each is a way the README or package.json gives. */
export const LAUNCHERS = {
  /** tsx's own CLI (a parent that relays signals to a node child). */
  tsx: (args: string[]) => ({ command: join(PROJECT_ROOT, 'node_modules/.bin/tsx'), args: ['src/cli/bin.ts', ...args] }),
  /** The package bin (`npx evochat-matrix`). */
  bin: (args: string[]) => ({ command: process.execPath, args: ['bin/evochat-matrix.mjs', ...args] }),
  /** `npm run matrix -- …` (args after `run`). */
  npm: (args: string[]) => ({ command: 'npm', args: ['run', '--silent', 'matrix', '--', ...args.slice(args[0] === 'run' ? 1 : 0)] }),
} as const;

export type Launcher = keyof typeof LAUNCHERS;

export interface CliProcess {
  child: ChildProcess;
  stderr(): string;
  stdout(): string;
  /** Resolves with the first match on stderr; rejects when the process exits first or after timeoutMs. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal to the process (or, with `group`, to its whole process group, as a terminal's Ctrl-C does). */
  signal(name: NodeJS.Signals, options?: { group?: boolean }): void;
}

export function startCli(launcher: Launcher, args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const { command, args: argv } = LAUNCHERS[launcher](args);
  // Its own process group, so a group signal reaches exactly the CLI and what it started.
  const child = spawn(command, argv, { cwd: PROJECT_ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  let stdout = '';
  const waiters = new Set<() => void>();
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const check of [...waiters]) check();
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const check of [...waiters]) check();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  let exited = false;
  void exit.then(() => {
    exited = true;
    for (const check of [...waiters]) check();
  });
  return {
    child,
    stderr: () => stderr,
    stdout: () => stdout,
    exit,
    signal(name, options = {}) {
      if (options.group) process.kill(-child.pid!, name);
      else child.kill(name);
    },
    waitForStderr: (pattern, timeoutMs) => waitForText(() => stderr, 'stderr', pattern, timeoutMs),
    waitForStdout: (pattern, timeoutMs) => waitForText(() => stdout, 'stdout', pattern, timeoutMs),
  };

  function waitForText(text: () => string, name: string, pattern: RegExp, timeoutMs = 120_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no ${pattern} on ${name} within ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
      const finish = (error?: Error, match?: RegExpMatchArray) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(error);
        else resolve(match!);
      };
      const check = () => {
        const match = pattern.exec(text());
        if (match) finish(undefined, match);
        else if (exited) finish(new Error(`the CLI exited before ${pattern} on ${name}; stderr:\n${stderr}`));
      };
      waiters.add(check);
      check();
    });
  }
}

/** Kills what is left of a CLI's process group (a failed assertion before the exit; npm's child after npm). */
export function killLeftover(cli: CliProcess | undefined): void {
  if (!cli) return;
  try {
    process.kill(-cli.child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Ports the sim twins said they listen on (Puma's and Evolution's start-up lines) in the service logs of a run folder. */
export async function servicePorts(runDir: string): Promise<number[]> {
  const dir = join(runDir, 'services');
  const ports = new Set<number>();
  for (const file of await readdir(dir).catch(() => [] as string[])) {
    const text = await readFile(join(dir, file), 'utf8').catch(() => '');
    for (const match of text.matchAll(/\* Listening on http:\/\/127\.0\.0\.1:(\d+)|HTTP - ON: (\d+)/g)) ports.add(Number(match[1] ?? match[2]));
  }
  return [...ports];
}

/** The one folder in `dir` whose name starts with `prefix` (a run's staging or incomplete folder). */
export async function onlyFolder(dir: string, prefix: string): Promise<string | undefined> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.startsWith(prefix));
  return names.length === 1 ? join(dir, names[0]!) : undefined;
}

export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
