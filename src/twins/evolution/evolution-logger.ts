import { formatWithOptions } from 'node:util';
import type { LogSink } from '../../common/log-sink.ts';
import type { LogLevel } from './evolution-config.ts';

export type LogType = 'LOG' | 'WARN' | 'INFO' | 'DARK' | 'ERROR' | 'DEBUG' | 'VERBOSE';

const RESET = '\x1b[0m';
const BRIGHT = '\x1b[1m';
const COLOURS: Record<LogType, string> = {
  LOG: '\x1b[32m',
  INFO: '\x1b[34m',
  WARN: '\x1b[33m',
  ERROR: '\x1b[31m',
  DEBUG: '\x1b[36m',
  VERBOSE: '\x1b[37m',
  DARK: '\x1b[30m',
};

export interface EvolutionLogSettings {
  version: string;
  levels: readonly LogLevel[];
  color: boolean;
  sink: LogSink;
  now: () => number;
  pid?: number;
  /** Lines are dropped once the twin is closing, so aborted work does not log noise. */
  isMuted?: () => boolean;
}

/** `Date#toString()` without the zone part, as upstream's log date (e.g. "Sun Apr 28 2024 10:00:00"). */
export function formatLogDate(timestamp: number): string {
  return new Date(timestamp).toString().replace(/\sGMT.+/, '');
}

/** console.log's rendering of its arguments (non-TTY: no inspect colours). */
function consoleFormat(...args: unknown[]): string {
  return formatWithOptions({ colors: false }, ...args);
}

/**
 * A logger that prints like Evolution 1.7's `Logger` (src/config/logger.config.ts), one per context,
 * optionally bound to an instance name. Facts from evolution-api-1.7.md §3.0:
 * - LOG_COLOR=true: a coloured line whose text, with ANSI removed, reads
 *   `[Evolution API]    v1.7.4  <pid>   -  <date>     ERROR   [ChatwootService]  [object]` ([ran]);
 *   an object value is then printed on its own (console.log(value, '\n')).
 * - LOG_COLOR=false: one line without the version, the value inspected inline.
 * - `ChatwootService` lines carry no instance name; `ChannelStartupService` lines carry `[<instance>]`.
 * The spacing comes from console.log joining its arguments with single spaces, empty ones included.
 */
export class EvolutionLogger {
  constructor(
    private readonly settings: EvolutionLogSettings,
    readonly context: string,
    readonly instance?: string,
  ) {}

  withInstance(instance: string): EvolutionLogger {
    return new EvolutionLogger(this.settings, this.context, instance);
  }

  forContext(context: string): EvolutionLogger {
    return new EvolutionLogger(this.settings, context, this.instance);
  }

  log(value: unknown): void {
    this.print(value, 'LOG');
  }
  info(value: unknown): void {
    this.print(value, 'INFO');
  }
  warn(value: unknown): void {
    this.print(value, 'WARN');
  }
  error(value: unknown): void {
    this.print(value, 'ERROR');
  }
  verbose(value: unknown): void {
    this.print(value, 'VERBOSE');
  }
  debug(value: unknown): void {
    this.print(value, 'DEBUG');
  }

  private print(value: unknown, type: LogType): void {
    const s = this.settings;
    if (s.isMuted?.()) return;
    if (!s.levels.includes(type)) return;
    const pid = String(s.pid ?? process.pid);
    const date = `${formatLogDate(s.now())}  `;
    const typeOfValue = typeof value;
    const instanceTag = this.instance ? `[${this.instance}]` : '';
    if (s.color) {
      const colour = COLOURS[type];
      s.sink.write(
        consoleFormat(
          `${BRIGHT}${colour}%s${RESET}`,
          '[Evolution API]',
          BRIGHT + colour,
          instanceTag,
          BRIGHT + colour,
          `v${s.version}`,
          BRIGHT + colour,
          pid,
          RESET,
          BRIGHT + colour,
          '-',
          BRIGHT + COLOURS.VERBOSE,
          date,
          RESET,
          colour + BRIGHT,
          `${type} ${RESET}`,
          COLOURS.WARN + BRIGHT,
          `[${this.context}]${RESET}`,
          colour + BRIGHT,
          `[${typeOfValue}]${RESET}`,
          colour,
          typeOfValue !== 'object' ? value : '',
          RESET,
        ),
      );
      if (typeOfValue === 'object') s.sink.write(`${consoleFormat(value, '\n')}\n`);
      return;
    }
    s.sink.write(consoleFormat('[Evolution API]', instanceTag, pid, '-', date, `${type} `, `[${this.context}]`, `[${typeOfValue}]`, value));
  }
}

/** Removes ANSI colour sequences (for tests and for grepping logs). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching the ESC of colour codes is the point
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
