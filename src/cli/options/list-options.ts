import { z } from 'zod';
import { listOption, pathOption, pathOptionOr, shardOption, switchOption } from './option-fields.ts';

export const ListOptions = z.object({
  matrix: pathOptionOr('matrix.json'),
  chatwoot: listOption,
  evolution: listOption,
  storage: listOption,
  suite: listOption,
  shard: shardOption,
  shardTimes: pathOption,
  json: switchOption,
});
export type ListOptions = z.output<typeof ListOptions>;
export type ListOptionsInput = z.input<typeof ListOptions>;
