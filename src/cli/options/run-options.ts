import { z } from 'zod';
import { attachOptionFields } from './attach-options.ts';
import { backendOption, imagesOption, jobsOption, listOption, onUnlessNegated, pathOption, pathOptionOr, shardOption } from './option-fields.ts';

/** `run`: the keys are cac's camelCased flags; the order is the order values are checked in. */
export const RunOptions = z.object({
  jobs: jobsOption,
  backend: backendOption,
  images: imagesOption,
  matrix: pathOptionOr('matrix.json'),
  chatwoot: listOption,
  evolution: listOption,
  storage: listOption,
  suite: listOption,
  out: pathOptionOr('out'),
  compare: pathOption,
  shard: shardOption,
  /** A previous result whose per-cell durations the shard split learns from. */
  shardTimes: pathOption,
  /** false with --no-progress. */
  progress: onUnlessNegated,
  /** The attach backend (issue 20): a running Chatwoot takes the Chatwoot axis; its token only in the env or --config. */
  ...attachOptionFields,
});
export type RunOptions = z.output<typeof RunOptions>;
export type RunOptionsInput = z.input<typeof RunOptions>;
