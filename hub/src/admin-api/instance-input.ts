import { z } from 'zod';

/** Fields of a connector every type shares; `settings` is checked by the connector's own schema. */
export const instanceFields = {
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean(),
  settings: z.record(z.string(), z.unknown()),
  incremental_every_ms: z
    .number()
    .int()
    .min(60_000)
    .max(7 * 86_400_000)
    .nullable(),
  full_cron: z
    .string()
    .trim()
    .regex(/^\S+(\s+\S+){4,5}$/, 'expected a cron pattern of five or six fields')
    .nullable(),
  guard_share: z.number().min(0).max(1),
};
