import { z } from 'zod';
import { UsageError } from '../../errors/index.ts';
import { attachOptionFields } from './attach-options.ts';
import { backendOption, imagesOption, onUnlessNegated, pathOptionOr, switchOption } from './option-fields.ts';

export const ReproOptions = z.object({
  backend: backendOption,
  images: imagesOption,
  file: z.string().transform((file) => {
    if (file === '') throw new UsageError('repro needs a bug report file: evochat-matrix repro FILE --out DIR');
    return file;
  }),
  out: pathOptionOr('repro-bundle'),
  keep: switchOption,
  progress: onUnlessNegated,
  /** The attach backend: the report's Chatwoot is this running server (issue 20). */
  ...attachOptionFields,
});
export type ReproOptions = z.output<typeof ReproOptions>;
export type ReproOptionsInput = z.input<typeof ReproOptions>;
