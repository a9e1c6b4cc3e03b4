import { z } from 'zod';
import { UsageError } from '../../errors/index.ts';
import type { TwinRole } from '../../model/twin-types.ts';
import { TWIN_ROLES } from '../../twins/start-twin.ts';
import { portOption } from './option-fields.ts';

export const TwinOptions = z.object({
  port: portOption,
  role: z.string().transform((role) => {
    if (!(TWIN_ROLES as readonly string[]).includes(role)) throw new UsageError(`unknown twin "${role}"; allowed: ${TWIN_ROLES.join(', ')}`);
    return role as TwinRole;
  }),
  /** TWIN_VERSION for the twin: a version profile, checked by the twin itself. */
  version: z.string().optional(),
  host: z.string().default('127.0.0.1'),
});
export type TwinOptions = z.output<typeof TwinOptions>;
export type TwinOptionsInput = z.input<typeof TwinOptions>;
