import { z } from 'zod';
import { UsageError } from '../../errors/index.ts';
import { attachOptionFields } from './attach-options.ts';
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
    /** The attach backend: the running Chatwoot is the Chatwoot of both pairs, its version read from it (issue 20). */
    ...attachOptionFields,
  })
  .transform(({ chatwoot, evolution, storage, ...rest }) => ({
    ...rest,
    /** Without --chatwoot-url the question is checked here, before anything runs. */
    question: rest.chatwootUrl === undefined ? parseUpgradeQuestion({ chatwoot, evolution, storage, to: rest.to }) : undefined,
    /** With it, the Chatwoot version is the attached server's: `--chatwoot` may only repeat it. */
    askAttached: (profile: string) => {
      if (chatwoot !== undefined && chatwoot.trim().replace(/^v/, '') !== profile) {
        throw new UsageError(`--chatwoot ${chatwoot}: the attached Chatwoot runs as ${profile}; leave --chatwoot out with --chatwoot-url`);
      }
      return parseUpgradeQuestion({ chatwoot: profile, evolution, storage, to: rest.to });
    },
  }));
export type CanIUpgradeOptions = z.output<typeof CanIUpgradeOptions>;
export type CanIUpgradeOptionsInput = z.input<typeof CanIUpgradeOptions>;
