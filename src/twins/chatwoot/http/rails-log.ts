import type { LogSink } from '../../../common/log-sink.ts';

type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

/**
 * Writes lines the way a production Chatwoot (Ruby Logger::Formatter with the request-id log tag)
 * does: `I, [2024-05-15T10:00:00.123456 #1]  INFO -- : [<request id>] Started POST "/api" for …`.
 */
export class RailsLogger {
  private readonly sink: LogSink;
  private readonly now: () => number;
  private readonly pid: number;

  constructor(sink: LogSink, now: () => number, pid = process.pid) {
    this.sink = sink;
    this.now = now;
    this.pid = pid;
  }

  info(message: string, ...tags: string[]): void {
    this.write('INFO', message, tags);
  }

  warn(message: string, ...tags: string[]): void {
    this.write('WARN', message, tags);
  }

  error(message: string, ...tags: string[]): void {
    this.write('ERROR', message, tags);
  }

  fatal(message: string, ...tags: string[]): void {
    this.write('FATAL', message, tags);
  }

  /** Raw lines (Puma's boot banner is not formatted by the Rails logger). */
  raw(line: string): void {
    this.sink.write(line);
  }

  private write(level: Level, message: string, tags: string[]): void {
    const stamp = new Date(this.now())
      .toISOString()
      .replace('Z', '')
      .replace(/\.(\d{3})$/, '.$1000');
    const prefix = `${level[0]}, [${stamp} #${this.pid}] ${level.padStart(5)} -- : ${tags.map((tag) => `[${tag}] `).join('')}`;
    for (const line of message.split('\n')) this.sink.write(prefix + line);
  }
}

/** `2024-05-15 10:00:00 +0000`, the time format of Rails' "Started … at" line. */
export function railsRequestTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')} +0000`;
}
