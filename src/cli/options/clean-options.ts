import { z } from 'zod';
import { UsageError } from '../../errors/index.ts';
import { switchOption } from './option-fields.ts';

/** `--older-than`: minutes, 0 or more (fractions allowed); undefined when not given. */
export function parseOlderThan(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const minutes = Number(value);
  if (!Number.isFinite(minutes) || minutes < 0) throw new UsageError(`--older-than must be a number of minutes (0 or more), got "${String(value)}"`);
  return minutes;
}

export const CleanOptions = z.object({
  olderThan: z.union([z.string(), z.number()]).optional().transform(parseOlderThan),
  dryRun: switchOption,
  force: switchOption,
  /** A run folder of an attach run (or the --out holding it): delete what its ledger lists on the attached Chatwoot. */
  attached: z.string().optional(),
  /** With --attached: the credentials file of the run (platformToken), when the token is not in the env. */
  config: z.string().optional(),
});
export type CleanOptions = z.output<typeof CleanOptions>;
export type CleanOptionsInput = z.input<typeof CleanOptions>;
