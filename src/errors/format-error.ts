import { ConfigError, type ConfigIssue, ErrorCodes, toHarnessError } from './index.ts';
import { cutText, displayValue, escapeControls, MAX_VALUE_CHARS } from './display-value.ts';

/** Longest message line printed; longer ones are cut (an echoed 50 MB value must not reach the terminal whole). */
export const MAX_MESSAGE_CHARS = 600;
const MAX_ALLOWED_SHOWN = 12;
const MAX_ISSUE_LINES = 10;

export interface FormatErrorOptions {
  /** Print stack traces (`--debug` / EVOCHAT_DEBUG=1). */
  debug?: boolean;
  /** Applied to every printed line (secrets can reach messages through URLs). */
  redact?: (text: string) => string;
}

/** `--debug` before a `--` on the command line, or EVOCHAT_DEBUG=1/true in the environment. */
export function debugWanted(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const end = argv.indexOf('--');
  if ((end === -1 ? argv : argv.slice(0, end)).includes('--debug')) return true;
  return ['1', 'true', 'yes'].includes((env.EVOCHAT_DEBUG ?? '').toLowerCase());
}

function renderAllowed(allowed: readonly unknown[]): string {
  const shown = allowed.slice(0, MAX_ALLOWED_SHOWN).map((value) => displayValue(value, 60));
  const more = allowed.length > MAX_ALLOWED_SHOWN ? `, … (${allowed.length - MAX_ALLOWED_SHOWN} more)` : '';
  return ` (allowed: ${shown.join(', ')}${more})`;
}

/** `at path: message got value (allowed: …)`; only ` got value (allowed: …)` when the headline already says the rest. */
export function renderIssue(issue: ConfigIssue, headline = ''): string {
  const value = 'value' in issue ? ` got ${displayValue(issue.value, MAX_VALUE_CHARS)}` : '';
  const allowed = Array.isArray(issue.allowed) ? renderAllowed(issue.allowed) : '';
  const said = headline !== '' && String(issue.message) !== '' && headline.includes(String(issue.message)) && headline.includes(String(issue.path));
  return said ? `${value}${allowed}`.trim() : `at ${cutText(String(issue.path || '(root)'), 120)}: ${cutText(String(issue.message), 300)}${value}${allowed}`;
}

function stackOf(error: unknown): string | undefined {
  return error instanceof Error && typeof error.stack === 'string' ? error.stack : undefined;
}

/**
 * The text the CLI prints for an error: `error CODE: message` on one line (a config error's first problem
 * joins it; further problems follow, one a line, at most ten), an optional `hint:` line, and stack traces
 * only with `debug`. Never throws.
 */
export function formatError(error: unknown, options: FormatErrorOptions = {}): string {
  const redact = (text: string) => {
    try {
      return options.redact ? options.redact(text) : text;
    } catch {
      return text;
    }
  };
  const line = (text: string) => redact(escapeControls(text));
  try {
    const harnessError = toHarnessError(error);
    const message = cutText(String(harnessError.message), MAX_MESSAGE_CHARS);
    const issues: readonly ConfigIssue[] = harnessError instanceof ConfigError && Array.isArray(harnessError.issues) ? harnessError.issues : [];
    // What the message already says of the first issue (a JSON syntax error, say) is not repeated.
    const [firstIssue, ...otherIssues] = issues;
    const first = firstIssue ? renderIssue(firstIssue, message) : '';
    const rest = otherIssues.map((issue) => renderIssue(issue));
    const joiner = first.startsWith('got ') || first.startsWith('(') ? ' ' : ': ';
    const lines = [line(`error ${harnessError.code}: ${message}${first ? `${joiner}${first}` : ''}`)];
    for (const text of rest.slice(0, MAX_ISSUE_LINES - 1)) lines.push(line(`  ${text}`));
    if (rest.length > MAX_ISSUE_LINES - 1) lines.push(`  … and ${rest.length - (MAX_ISSUE_LINES - 1)} more problems`);
    if (harnessError.hint) lines.push(line(`hint: ${cutText(String(harnessError.hint), MAX_MESSAGE_CHARS)}`));
    const internal = harnessError.code === ErrorCodes.internal;
    if (options.debug) {
      const stack = stackOf(internal ? harnessError.cause : harnessError) ?? stackOf(harnessError);
      if (stack) lines.push(redact(stack));
      const cause = internal ? undefined : stackOf(harnessError.cause);
      if (cause) lines.push(`cause: ${redact(cause)}`);
    } else if (internal) {
      lines.push('hint: this is a bug in evochat-matrix; run again with --debug (or EVOCHAT_DEBUG=1) for the stack trace, and report it');
    }
    return `${lines.join('\n')}\n`;
  } catch {
    return 'error EVOCHAT_E_INTERNAL: the error could not be printed; run again with --debug (or EVOCHAT_DEBUG=1)\n';
  }
}
