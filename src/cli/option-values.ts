/**
 * Parsers of option values shared by every command, so `--jobs -1` says the same thing in `run` and
 * `can-i-upgrade`. The commands' option schemas (options/) are built from them: each value is parsed
 * once, when the command's options are, before any work or progress output.
 */
import { displayValue, UsageError } from '../errors/index.ts';
import { IMAGE_KINDS, REQUESTED_BACKENDS, type ImagesKind, type RequestedBackend } from '../model/axes.ts';

export const MAX_JOBS = 64;

function absent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** A value as typed when it is a plain word, else quoted and cut (control characters, 50 MB pastes). */
export function echoValue(value: unknown): string {
  const text = String(value);
  return /^[\w.@,:/+-]{1,40}$/.test(text) ? text : displayValue(text, 40);
}

function wholeNumber(value: unknown): number | undefined {
  const text = String(value).trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** `--jobs`: a whole number from 1 to 64, or undefined when not given. */
export function parseJobs(value: unknown): number | undefined {
  if (absent(value)) return undefined;
  const jobs = wholeNumber(value);
  if (jobs === undefined || jobs < 1 || jobs > MAX_JOBS) {
    throw new UsageError(`--jobs ${echoValue(value)}: expected a whole number from 1 to ${MAX_JOBS}`);
  }
  return jobs;
}

/** `--port`: 0 (a free port) to 65535, or undefined when not given. */
export function parsePort(value: unknown, flag = '--port'): number | undefined {
  if (absent(value)) return undefined;
  const port = wholeNumber(value);
  if (port === undefined || port > 65535) throw new UsageError(`${flag} must be an integer 0-65535, got ${echoValue(value)}`);
  return port;
}

/** A positive whole number of milliseconds (`doctor --timeout`). */
export function parseMilliseconds(value: unknown, flag: string, fallback: number): number {
  if (absent(value)) return fallback;
  const ms = wholeNumber(value);
  if (ms === undefined || ms <= 0) throw new UsageError(`${flag} must be a positive integer (milliseconds), got ${echoValue(value)}`);
  return ms;
}

/** One of a fixed set of words (`--backend`, `--images`). */
export function parseChoice<T extends string>(value: unknown, flag: string, allowed: readonly T[]): T {
  const text = String(value);
  if (!(allowed as readonly string[]).includes(text)) {
    const words = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}` : allowed.join('');
    throw new UsageError(`${flag} ${echoValue(text)}: expected ${words}`, { details: { allowed } });
  }
  return text as T;
}

/** `--backend`: auto (the default), sim or docker. */
export function parseBackend(value: unknown): RequestedBackend {
  return absent(value) ? 'auto' : parseChoice(value, '--backend', REQUESTED_BACKENDS);
}

/** `--images`: upstream (the default) or twin. */
export function parseImages(value: unknown): ImagesKind {
  return absent(value) ? 'upstream' : parseChoice(value, '--images', IMAGE_KINDS);
}
