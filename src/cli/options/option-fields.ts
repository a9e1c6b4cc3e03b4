/**
 * The zod pieces every command's options schema is built from (one schema per command, beside this file).
 * Their input is what cac hands an action once command-line.ts has checked the argv: a value as typed
 * (a string; a number only for a numeric default), a list where the flag may repeat, a boolean for a
 * switch. A bad value throws the UsageError of option-values.ts, so every command words it the same way.
 */
import { z } from 'zod';
import { UsageError } from '../../errors/index.ts';
import { parseListOption } from '../../matrix/select-cells.ts';
import { parseShardSpec } from '../../matrix/shard-plan.ts';
import { parseBackend, parseImages, parseJobs, parseMilliseconds, parsePort } from '../option-values.ts';

const typedValue = z.union([z.string(), z.number()]);

/** A file or folder as typed; undefined when not given. */
export const pathOption = z.string().optional();

/** A file or folder as typed, with the default the help text names. */
export function pathOptionOr(fallback: string) {
  return z.string().default(fallback);
}

/** A switch (`--json`): false unless given. */
export const switchOption = z.boolean().default(false);

/** A negated switch (`--no-progress`): true unless turned off. */
export const onUnlessNegated = z.boolean().default(true);

/** `--chatwoot 3.7.0,3.8.0 --chatwoot 3.9.0`: split once, trimmed; undefined when empty or not given. */
export const listOption = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform(parseListOption);

/** `--shard 2/3`; undefined when not given. */
export const shardOption = typedValue.optional().transform((value) => (value === undefined ? undefined : parseShardSpec(value)));

export const jobsOption = typedValue.optional().transform(parseJobs);
export const backendOption = z.string().optional().transform(parseBackend);
export const imagesOption = z.string().optional().transform(parseImages);
export const portOption = typedValue.optional().transform((value) => parsePort(value));

export function millisecondsOption(flag: string, fallback: number) {
  return typedValue.optional().transform((value) => parseMilliseconds(value, flag, fallback));
}

function flagOf(key: PropertyKey | undefined): string {
  return key === undefined ? 'option' : `--${String(key).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/**
 * Parses a command's options once, at the command's entry. Value errors are already UsageErrors; a value of
 * the wrong shape (only a direct caller can pass one: cac's are strings and booleans) becomes one too.
 */
export function parseCommandOptions<S extends z.ZodType>(command: string, schema: S, input: z.input<S>): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UsageError(`${command}: invalid ${flagOf(issue?.path[0])}: ${issue?.message ?? 'invalid'}`, { details: { path: issue?.path.join('.') } });
}
