/**
 * How the long-running commands take SIGINT, SIGTERM and SIGHUP: the first one starts a graceful stop (an
 * AbortSignal the command passes down); copies of it that arrive within FORCE_GRACE_MS are ignored; a signal
 * after that forces the exit at once, without waiting for the cleanup.
 *
 * Why a grace period: one Ctrl-C can arrive as two signals. The terminal sends SIGINT to the whole foreground
 * process group, and `npm run` (and tsx's CLI) relays it to its child as well, 34–78 ms later (measured).
 * Taking the copy as "force" skipped every service's shutdown.
 */
import type { EventEmitter } from 'node:events';
import { ExitCodes } from '../errors/index.ts';
import { InterruptedError } from '../runner/interrupted-error.ts';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** A second signal counts as "force" only this long after the first: no person double-presses Ctrl-C by accident slower than that. */
export const FORCE_GRACE_MS = 2_000;

/** Documented exit codes: SIGINT 130 (the shell convention for Ctrl-C); SIGTERM and SIGHUP 3 (stopped from outside before a verdict). */
export function exitCodeForSignal(signal: string): number {
  return signal === 'SIGINT' ? 130 : ExitCodes.infrastructure;
}

type SignalSource = Pick<EventEmitter, 'on' | 'off'>;

export interface StopSignalsOptions {
  /** What the first signal starts, for the message, e.g. "stopping every service, then exiting". */
  action: string;
  stderr: { write(text: string): unknown };
  /** The abort reason for a signal (default: the signal name). */
  reason?: (signal: StopSignal) => unknown;
  /** Said when the exit is forced, e.g. what may be left behind and how to remove it. */
  forceNote?: string;
  graceMs?: number;
  /** Tests inject these; the defaults are the real process. */
  source?: SignalSource;
  now?: () => number;
  exit?: (code: number) => void;
}

export interface StopSignals {
  /** Aborted by the first signal. */
  readonly signal: AbortSignal;
  /** The first signal, once one came. */
  readonly received: StopSignal | undefined;
  /** Stops listening (signals then have their default effect again). */
  dispose(): void;
}

export function installStopSignals(options: StopSignalsOptions): StopSignals {
  const source: SignalSource = options.source ?? process;
  const now = options.now ?? (() => performance.now());
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const graceMs = options.graceMs ?? FORCE_GRACE_MS;
  const controller = new AbortController();
  let first: { signal: StopSignal; at: number } | undefined;
  let reminder: NodeJS.Timeout | undefined;
  const seconds = `${Math.round(graceMs / 100) / 10} s`;
  // Once stopping, the process ends through process.exit when its work is done, not by draining: Node's teardown
  // closes its signal handles first, and a relayed copy landing then ended a clean stop with the signal's default
  // action (exit "killed by SIGINT" instead of 0; caught under load, reproduced by a stream of copies). process.exit
  // keeps the handlers until the very end and uses the exit code the CLI set.
  const exitWhenDrained = () => process.exit();

  const onSignal = (signal: StopSignal) => {
    if (!first) {
      first = { signal, at: now() };
      options.stderr.write(`\n${signal}: ${options.action}; press Ctrl-C again after ${seconds} to force\n`);
      // Still running once the grace period is over: say that a second Ctrl-C now forces the exit.
      reminder = setTimeout(() => options.stderr.write('still stopping; press Ctrl-C again to force the exit\n'), graceMs);
      reminder.unref();
      if (!options.source) process.once('beforeExit', exitWhenDrained);
      controller.abort(options.reason ? options.reason(signal) : signal);
      return;
    }
    if (now() - first.at < graceMs) return; // the same Ctrl-C, relayed by npm/tsx or the terminal
    options.stderr.write(`\n${signal} again: forcing the exit without waiting for the cleanup${options.forceNote ? ` (${options.forceNote})` : ''}\n`);
    exit(exitCodeForSignal(first.signal));
  };

  for (const name of STOP_SIGNALS) source.on(name, onSignal);
  return {
    signal: controller.signal,
    get received() {
      return first?.signal;
    },
    dispose() {
      for (const name of STOP_SIGNALS) source.off(name, onSignal);
      process.off('beforeExit', exitWhenDrained);
      if (reminder) clearTimeout(reminder);
    },
  };
}

/** Said when a second Ctrl-C forces the exit of a command with services: what may be left, and how it goes. */
export const SERVICES_FORCE_NOTE = "a docker run's containers are removed by its watchdog; `npm run clean` removes what else is left";

/** Once an interrupted command has stopped its services, whatever an abandoned worker left (the suite runner) must not keep the process alive. */
export const INTERRUPTED_EXIT_DEADLINE_MS = 2_000;

export interface InterruptibleOptions {
  /** For the first signal's message, e.g. "stopping every service, then exiting". */
  action: string;
  stderr: { write(text: string): unknown };
  forceNote?: string;
  /** Install the handlers (the CLI does; tests calling a command function in-process need not). Default true. */
  enabled?: boolean;
  /** The line printed once the interrupted work has stopped. */
  interrupted: (signal: string) => string;
}

/**
 * Runs a command's work with the stop signals installed. The work gets the AbortSignal to pass down; an
 * InterruptedError it throws becomes the signal's documented exit code (130, or 3). Once a signal came, the
 * handlers stay until the process exits: a late copy (npm relays it) must not end the process with the
 * default action (e.g. 143 for SIGTERM) instead of that code.
 */
export async function runInterruptible(options: InterruptibleOptions, work: (stop: StopSignals | undefined) => Promise<number>): Promise<number> {
  const stop =
    options.enabled === false
      ? undefined
      : installStopSignals({
          action: options.action,
          stderr: options.stderr,
          reason: (signal) => new InterruptedError(signal),
          ...(options.forceNote ? { forceNote: options.forceNote } : {}),
        });
  try {
    return await work(stop);
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
    options.stderr.write(`${options.interrupted(error.signalName)}\n`);
    const code = exitCodeForSignal(error.signalName);
    if (stop) setTimeout(() => process.exit(code), INTERRUPTED_EXIT_DEADLINE_MS).unref();
    return code;
  } finally {
    if (stop && stop.received === undefined) stop.dispose();
  }
}

/** Resolves with the first signal (commands that run until told to stop: twin, repro --keep). */
export function untilStopped(stop: StopSignals): Promise<StopSignal> {
  if (stop.signal.aborted) return Promise.resolve(stop.received!);
  return new Promise((resolve) => stop.signal.addEventListener('abort', () => resolve(stop.received!), { once: true }));
}

/** Settles like `work`, unless `signal` aborts first: then rejects with the abort reason (the work is abandoned). */
export function rejectOnAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    const forget = () => signal.removeEventListener('abort', onAbort);
    work.then(forget, forget);
    work.then(resolve, reject);
  });
}
