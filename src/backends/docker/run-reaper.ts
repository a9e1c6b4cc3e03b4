/**
 * A watchdog per run that outlives the harness process: our own stand-in for Ryuk, which cannot run here.
 * It is a detached shell loop that waits while the harness process lives; once it is gone (a normal exit
 * before stop() finished, a second Ctrl-C, the run command's exit deadline, kill -9), it removes the run's
 * labelled containers and then its network through the docker CLI, until nothing of the run shows up three
 * checks in a row (a container the engine was still creating appears late), for at most two minutes.
 * A run that stops normally ends its watchdog (its own child, by pid).
 */
import { spawn } from 'node:child_process';
import { LABELS } from './labels.ts';

const RUN_ID = /^[A-Za-z0-9_.-]{1,128}$/;

/** The shell loop; the run id and pid come from the environment (never interpolated into the script). */
export const WATCHDOG_SCRIPT = [
  'while kill -0 "$EVOCHAT_WATCH_PID" 2>/dev/null; do sleep 1; done',
  `filter="label=${LABELS.runId}=$EVOCHAT_REAP_RUN_ID"`,
  'quiet=0',
  'i=0',
  'while [ "$i" -lt 120 ]; do',
  '  containers=$(docker ps -aq --filter "$filter" 2>/dev/null)',
  '  [ -n "$containers" ] && docker rm -f -v $containers >/dev/null 2>&1',
  '  networks=$(docker network ls -q --filter "$filter" 2>/dev/null)',
  '  if [ -z "$containers" ] && [ -z "$networks" ]; then',
  '    quiet=$((quiet + 1))',
  '    [ "$quiet" -ge 3 ] && exit 0',
  '  else',
  '    quiet=0',
  '  fi',
  '  [ -n "$networks" ] && docker network rm $networks >/dev/null 2>&1',
  '  i=$((i + 1))',
  '  sleep 1',
  'done',
  'exit 1',
].join('\n');

export interface RunWatchdog {
  /** The watchdog process, while one runs. */
  pid: number | undefined;
  /** The run stopped normally: end the watchdog. */
  stop(): void;
}

const NONE: RunWatchdog = { pid: undefined, stop() {} };

/** Starts the watchdog for a run, watching `watchPid` (this process by default); a no-op where it cannot run. */
export function startRunWatchdog(runId: string, options: { watchPid?: number; env?: NodeJS.ProcessEnv } = {}): RunWatchdog {
  if (!RUN_ID.test(runId) || process.platform === 'win32') return NONE;
  try {
    const child = spawn('sh', ['-c', WATCHDOG_SCRIPT], {
      detached: true,
      stdio: 'ignore',
      env: { ...(options.env ?? process.env), EVOCHAT_REAP_RUN_ID: runId, EVOCHAT_WATCH_PID: String(options.watchPid ?? process.pid) },
    });
    child.on('error', () => undefined);
    child.unref();
    let stopped = false;
    return {
      pid: child.pid,
      stop() {
        if (stopped || child.exitCode !== null || child.signalCode !== null) return;
        stopped = true;
        child.kill('SIGTERM');
      },
    };
  } catch {
    return NONE;
  }
}
