import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LogSink } from '../common/log-sink.ts';
import type { Redactor } from '../common/redact.ts';
import { parseSince, type LogEntry } from './evidence-types.ts';

// eslint-disable-next-line no-control-regex -- matching the ESC of terminal codes is the point
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Removes terminal colour codes (Evolution logs with LOG_COLOR=true by default) so patterns match plain text. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export interface LogCaptureOptions {
  service: string;
  /** Also append every line to this file (directories are created). */
  file?: string;
  /** Lines kept in memory; older ones are dropped (the file keeps everything). */
  maxLines?: number;
  /** Applied to what goes to the file (memory keeps raw lines; readers redact). */
  redactor?: Redactor;
  now?: () => number;
}

export interface LogCapture extends LogSink {
  service: string;
  file: string | undefined;
  entries(filter?: { since?: number | string }): LogEntry[];
  lines(): string[];
  /** Lines dropped from memory because of maxLines. */
  readonly dropped: number;
  /** Flushes and closes the file; later writes go to memory only. */
  close(): Promise<void>;
}

/** File writes are batched: one write per FLUSH_INTERVAL_MS (or per FLUSH_BYTES) instead of one per line. */
const FLUSH_INTERVAL_MS = 1000;
const FLUSH_BYTES = 256 * 1024;

/** A per-service log sink: timestamped lines in a bounded memory buffer, and a complete copy on disk. */
export function createLogCapture(options: LogCaptureOptions): LogCapture {
  const now = options.now ?? Date.now;
  const maxLines = options.maxLines ?? 50_000;
  const entries: LogEntry[] = [];
  let dropped = 0;
  let stream: WriteStream | undefined;
  if (options.file) {
    mkdirSync(dirname(options.file), { recursive: true });
    stream = createWriteStream(options.file, { flags: 'a' });
  }
  let pending: string[] = [];
  let pendingBytes = 0;
  let timer: NodeJS.Timeout | undefined;
  const redactor = options.redactor;
  /** Redactor version of the oldest text written: secrets registered later are applied to the file on close. */
  let writtenAtVersion: number | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0 || !stream) return;
    const text = pending.join('');
    if (redactor) {
      writtenAtVersion ??= redactor.version;
      stream.write(redactor.text(text));
    } else {
      stream.write(text);
    }
    pending = [];
    pendingBytes = 0;
  };
  const redactFileAgain = async () => {
    if (!redactor || !options.file || writtenAtVersion === undefined || writtenAtVersion === redactor.version) return;
    const text = await readFile(options.file, 'utf8');
    const again = redactor.since(writtenAtVersion, text);
    if (again !== text) await writeFile(options.file, again);
  };
  let closing: Promise<void> | undefined;

  return {
    service: options.service,
    file: options.file,
    write(text) {
      const at = now();
      for (const raw of text.replace(/\n$/, '').split('\n')) {
        const line = stripAnsi(raw).replace(/\r$/, '');
        entries.push({ at, line });
        if (stream) {
          pending.push(`${line}\n`);
          pendingBytes += line.length + 1;
        }
      }
      if (entries.length > maxLines) {
        const excess = entries.length - maxLines;
        entries.splice(0, excess);
        dropped += excess;
      }
      if (pendingBytes >= FLUSH_BYTES) flush();
      else if (stream && !timer && pending.length > 0) {
        timer = setTimeout(flush, FLUSH_INTERVAL_MS);
        timer.unref();
      }
    },
    entries(filter = {}) {
      const since = parseSince(filter.since);
      if (since === undefined) return [...entries];
      // Entries are in capture order, so timestamps only grow: binary search for the first one in range.
      let low = 0;
      let high = entries.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (entries[middle]!.at < since) low = middle + 1;
        else high = middle;
      }
      return entries.slice(low);
    },
    lines: () => entries.map((entry) => entry.line),
    get dropped() {
      return dropped;
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        flush();
        if (!stream) return resolve();
        const current = stream;
        stream = undefined;
        current.end((error?: Error | null) => {
          if (error) reject(error);
          else redactFileAgain().then(resolve, reject);
        });
      });
      return closing;
    },
  };
}
