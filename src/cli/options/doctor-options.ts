import { z } from 'zod';
import { millisecondsOption, pathOption, switchOption } from './option-fields.ts';

/** `doctor`: the attach settings stay as typed here; resolveAttachTarget merges them with env and --config and checks them. */
export const DoctorOptions = z
  .object({
    timeout: millisecondsOption('--timeout', 5_000),
    chatwootUrl: z.string().optional(),
    chatwootToken: z.string().optional(),
    account: z.union([z.string(), z.number()]).optional(),
    evolutionUrl: z.string().optional(),
    evolutionKey: z.string().optional(),
    instance: z.string().optional(),
    config: pathOption,
    allowWrites: switchOption,
    result: pathOption,
    out: pathOption,
    json: switchOption,
    verbose: switchOption,
  })
  .transform(({ chatwootUrl, chatwootToken, account, evolutionUrl, evolutionKey, instance, ...rest }) => ({
    ...rest,
    attachFlags: { chatwootUrl, chatwootToken, account, evolutionUrl, evolutionKey, instance },
  }));
export type DoctorOptions = z.output<typeof DoctorOptions>;
export type DoctorOptionsInput = z.input<typeof DoctorOptions>;
