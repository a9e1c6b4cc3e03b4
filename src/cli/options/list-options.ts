import { z } from 'zod';
import { pathOptionOr, switchOption } from './option-fields.ts';

export const ListOptions = z.object({
  matrix: pathOptionOr('matrix.json'),
  json: switchOption,
});
export type ListOptions = z.output<typeof ListOptions>;
export type ListOptionsInput = z.input<typeof ListOptions>;
