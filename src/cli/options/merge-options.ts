import { z } from 'zod';
import { pathOption, pathOptionOr } from './option-fields.ts';

export const MergeOptions = z.object({
  inputs: z.array(z.string().min(1)).min(1),
  out: pathOptionOr('out'),
  matrix: pathOption,
  compare: pathOption,
});
export type MergeOptions = z.output<typeof MergeOptions>;
export type MergeOptionsInput = z.input<typeof MergeOptions>;
