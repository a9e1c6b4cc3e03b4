/** ANSI styling for the terminal report; identity functions when colour is off. */
export interface TerminalStyle {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  magenta(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export function terminalStyle(color: boolean): TerminalStyle {
  if (!color) {
    const plain = (text: string) => text;
    return { green: plain, red: plain, yellow: plain, magenta: plain, dim: plain, bold: plain };
  }
  return { green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), magenta: wrap(35, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** Colours only for a terminal, and never when NO_COLOR is set (no-color.org: any non-empty value). */
export function shouldUseColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

// eslint-disable-next-line no-control-regex -- matching the ESC of colour codes is the point
const ANSI = /\u001b\[[0-9;]*m/g;

/** Width on screen (ANSI codes take none). */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

export function padVisible(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)));
}
