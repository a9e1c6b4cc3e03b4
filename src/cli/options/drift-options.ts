import { z } from 'zod';
import { millisecondsOption, pathOptionOr } from './option-fields.ts';

/** `drift`: the attached Chatwoot as for `run --chatwoot-url` (token only in the env); the report folder. */
export const DriftOptions = z.object({
  chatwootUrl: z.string({ error: '--chatwoot-url <url> is required: the Chatwoot to compare the twin with' }),
  asVersion: z.string().optional(),
  advertiseHost: z.string().optional(),
  out: pathOptionOr('out/drift'),
  timeout: millisecondsOption('--timeout', 10_000),
});
export type DriftOptions = z.output<typeof DriftOptions>;
export type DriftOptionsInput = z.input<typeof DriftOptions>;
