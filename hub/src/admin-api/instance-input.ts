import { z } from 'zod';

/** Fields of a connector every type shares; `settings` is checked by the connector's own schema. */
export const instanceFields = {
  name: z.string().trim().min(1).max(100).describe('A name, unique in the tenant'),
  enabled: z.boolean().describe('False: no scheduled runs'),
  settings: z
    .record(z.string(), z.unknown())
    .describe(
      'The type\'s settings, checked by its own schema; a secret sent as "<set>" keeps its stored value',
    ),
  incremental_every_ms: z
    .number()
    .int()
    .min(60_000)
    .max(7 * 86_400_000)
    .nullable()
    .describe('Interval of incremental runs in ms (1 minute to 7 days); null: only when someone starts one'),
  full_cron: z
    .string()
    .trim()
    .regex(/^\S+(\s+\S+){4,5}$/, 'expected a cron pattern of five or six fields')
    .nullable()
    .describe('Cron pattern (five or six fields) of full runs; null: only when someone starts one'),
  guard_share: z
    .number()
    .min(0)
    .max(1)
    .describe('Share of linked users (0-1) one run may deactivate before it waits for approval'),
};
