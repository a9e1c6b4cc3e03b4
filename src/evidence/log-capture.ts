import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { LogSink } from '../common/log-sink.ts';
import { parseSince, type LogEntry } from './evidence-types.ts';

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
  let closing: Promise<void> | undefined;

  return {
    service: options.service,
    file: options.file,
    write(text) {
      const at = now();
      for (const raw of text.replace(/\n$/, '').split('\n')) {
        const line = stripAnsi(raw).replace(/\r$/, '');
        entries.push({ at, line });
        stream?.write(`${line}\n`);
      }
      if (entries.length > maxLines) {
        const excess = entries.length - maxLines;
        entries.splice(0, excess);
        dropped += excess;
      }
    },
    entries(filter = {}) {
      const since = parseSince(filter.since);
      return since === undefined ? [...entries] : entries.filter((entry) => entry.at >= since);
    },
    lines: () => entries.map((entry) => entry.line),
    get dropped() {
      return dropped;
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        if (!stream) return resolve();
        const current = stream;
        stream = undefined;
        current.end((error?: Error | null) => (error ? reject(error) : resolve()));
      });
      return closing;
    },
  };
}
