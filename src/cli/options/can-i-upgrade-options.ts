import { z } from 'zod';
import { parseUpgradeQuestion } from '../../upgrade/upgrade-question.ts';
import { backendOption, imagesOption, jobsOption, onUnlessNegated, pathOption, switchOption } from './option-fields.ts';

/** `can-i-upgrade`: the pair, the storage and `--to` become one UpgradeQuestion, after the other values are checked. */
export const CanIUpgradeOptions = z
  .object({
    jobs: jobsOption,
    backend: backendOption,
    images: imagesOption,
    chatwoot: z.string().optional(),
    evolution: z.string().optional(),
    storage: z.string().optional(),
    to: z.string().optional(),
    fromResult: pathOption,
    matrix: pathOption,
    out: pathOption,
    json: switchOption,
    progress: onUnlessNegated,
  })
  .transform(({ chatwoot, evolution, storage, ...rest }) => ({ ...rest, question: parseUpgradeQuestion({ chatwoot, evolution, storage, to: rest.to }) }));
export type CanIUpgradeOptions = z.output<typeof CanIUpgradeOptions>;
export type CanIUpgradeOptionsInput = z.input<typeof CanIUpgradeOptions>;
