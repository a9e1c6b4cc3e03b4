/**
 * What cac (6.x) leaves to us: it throws a bare CACError for an unknown option, reads `--jobs -1` as the
 * flag `-1`, turns `--chatwoot 3.10` into the number 3.1 (and a numeric token into a lossy number),
 * ignores extra positional arguments and silently collects a repeated flag into an array. These
 * checks run on the raw argv of the matched command and give one named usage error (exit 2) instead.
 * What a value means is the command's options schema's to check (options/).
 */
import type { CAC, Command } from 'cac';
import { closest, distance } from 'fastest-levenshtein';
import { displayValue, UsageError } from '../errors/index.ts';
import { echoValue } from './option-values.ts';

interface Flag {
  /** As typed: `--matrix`, `-h`, `--no-progress`. */
  spelling: string;
  /** cac's camelCased key in `cli.options`. */
  key: string;
  takesValue: boolean;
  /** `--jobs <n>`, for messages. */
  usage: string;
}

function flagsOfOptions(command: Command): Flag[] {
  const options = [...command.options, ...(command.globalCommand?.options ?? [])];
  return options.flatMap((option) => {
    const takesValue = option.required !== undefined;
    const spellings = option.rawName.split(',').map((part) => part.trim().split(/[\s<[]/)[0]!);
    // `--no-progress` is cac's negation of `--progress`, which it accepts as well.
    if (option.negated) spellings.push(...spellings.map((spelling) => spelling.replace(/^--no-/, '--')));
    return spellings.map((spelling) => ({ spelling, key: option.name, takesValue, usage: option.rawName }));
  });
}

/** Every spelling that takes a value, in any command: `--jobs -1` must not become the flag `-1`. */
function valueSpellings(cli: CAC): Set<string> {
  return new Set(
    [...cli.commands, cli.globalCommand]
      .flatMap(flagsOfOptions)
      .filter((flag) => flag.takesValue)
      .map((flag) => flag.spelling),
  );
}

/** `--jobs -1` → `--jobs=-1`, so a negative number reaches the value check instead of reading as a flag. */
export function joinNegativeValues(cli: CAC, argv: readonly string[]): string[] {
  const takesValue = valueSpellings(cli);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (takesValue.has(token) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${token}=${next}`);
      i++;
    } else out.push(token);
  }
  return out;
}

function usageLine(command: Command): string {
  return `evochat-matrix ${command.rawName} [options]`;
}

function unknownOption(spelling: string, command: Command, flags: readonly Flag[], cli: CAC): UsageError {
  const known = [...new Set(flags.map((flag) => flag.spelling).filter((candidate) => candidate.startsWith('--')))];
  const nearest = known.length > 0 ? closest(spelling, known) : undefined;
  const close = nearest !== undefined && distance(spelling, nearest) <= Math.max(2, Math.floor(spelling.length / 4));
  const elsewhere = cli.commands
    .filter((other) => other !== command && flagsOfOptions(other).some((flag) => flag.spelling === spelling))
    .map((other) => other.name);
  const because = close ? `; did you mean ${nearest}?` : elsewhere.length > 0 ? ` (${elsewhere.join(', ')} take${elsewhere.length === 1 ? 's' : ''} it)` : '';
  return new UsageError(`unknown option ${echoValue(spelling)} for ${command.name}${because}`, {
    details: { option: spelling, ...(close ? { suggestion: nearest } : {}) },
    hint: `evochat-matrix ${command.name} --help lists its options`,
  });
}

function missingValue(flag: Flag, next: string | undefined, known: ReadonlyMap<string, Flag>): UsageError {
  const nextIsFlag = next === undefined || next === '--' || known.has(next.split('=')[0]!);
  // A token or key is not echoed, even half-typed.
  const shown = /token|key|password|secret/i.test(flag.spelling) ? '<value>' : echoValue(next);
  const dash = nextIsFlag ? '' : `; for a value that starts with "-" write ${flag.spelling}=${shown}`;
  return new UsageError(`${flag.spelling} needs a value (${flag.usage})${dash}`);
}

export interface CommandLineRules {
  /** Option keys that may be given more than once (their values are lists). */
  repeatable?: readonly string[];
  /**
   * Flags a command does not take because they would put a credential on the command line (shell history, `ps`), each
   * with where the credential goes instead. Refused with that, the value never echoed.
   */
  refusedCredentials?: Readonly<Record<string, string>>;
}

/**
 * Checks the matched command's raw argv (everything before `--`) and replaces cac's coerced option
 * values with the strings as typed. Throws a UsageError naming the flag or argument.
 */
export function checkCommandLine(cli: CAC, argv: readonly string[], rules: CommandLineRules = {}): void {
  const command = cli.matchedCommand;
  if (!command) return;
  const flags = flagsOfOptions(command);
  const bySpelling = new Map(flags.map((flag) => [flag.spelling, flag]));
  const end = argv.indexOf('--');
  const tokens = end === -1 ? argv : argv.slice(0, end);
  const values = new Map<string, { flag: Flag; given: string[] }>();

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.startsWith('-') || token === '-') continue;
    const eq = token.indexOf('=');
    const spelling = eq === -1 ? token : token.slice(0, eq);
    const flag = bySpelling.get(spelling);
    if (!flag) {
      const instead = rules.refusedCredentials?.[spelling];
      if (instead !== undefined) {
        throw new UsageError(`${spelling}: ${command.name} takes no credential on the command line (shell history, ps); give it in ${instead}`);
      }
      throw unknownOption(spelling, command, flags, cli);
    }
    if (!flag.takesValue) {
      if (eq !== -1) throw new UsageError(`${spelling} takes no value (got ${echoValue(token.slice(eq + 1))})`);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = token.slice(eq + 1);
    else if (i + 1 < tokens.length && !tokens[i + 1]!.startsWith('-')) value = tokens[++i];
    if (value === undefined || value === '') throw missingValue(flag, tokens[i + 1], bySpelling);
    const entry = values.get(flag.key) ?? { flag, given: [] };
    entry.given.push(value);
    values.set(flag.key, entry);
  }

  for (const [key, { flag, given }] of values) {
    if (given.length > 1 && !rules.repeatable?.includes(key)) {
      throw new UsageError(`${flag.spelling} given ${given.length} times (${given.map(echoValue).join(', ')}); give it once`);
    }
    cli.options[key] = given.length === 1 ? given[0] : given;
  }

  // mri coerces numeric-looking positionals too (`repro 123` would read file descriptor 123).
  cli.args = cli.args.map((arg) => String(arg));
  const declared = command.args;
  const required = declared.filter((arg) => arg.required);
  if (cli.args.length < required.length) {
    const missing = required
      .slice(cli.args.length)
      .map((arg) => `<${arg.value}>`)
      .join(' ');
    throw new UsageError(`${command.name} needs ${missing}: ${usageLine(command)}`);
  }
  if (!declared.some((arg) => arg.variadic) && cli.args.length > declared.length) {
    throw new UsageError(`unexpected argument ${displayValue(String(cli.args[declared.length]), 40)} for ${command.name}: ${usageLine(command)}`);
  }
}
