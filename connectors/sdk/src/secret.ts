import { z } from 'zod';

/**
 * Marks settings fields that are secrets (bind passwords, client secrets). The hub encrypts them
 * at rest, never returns them through its API and never logs them; it finds them through this
 * registry instead of guessing from field names.
 *
 * Apply it after `.describe()`: zod returns a new schema from `.describe()`, which the registry
 * does not know (`secret(z.string().describe('bind password')).optional()` is right).
 */
export const secretFields = z.registry<{ secret: true }>();

export function secret<T extends z.ZodType>(schema: T): T {
  secretFields.add(schema, { secret: true });
  return schema;
}

export function isSecret(schema: z.ZodType): boolean {
  return secretFields.has(schema);
}

/** Names of the top-level settings fields marked secret (optional wrappers are looked through). */
export function secretKeys(settings: z.ZodObject): string[] {
  return Object.entries(settings.shape)
    .filter(([, field]) => isSecret(unwrap(field as z.ZodType)))
    .map(([key]) => key);
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (
    current instanceof z.ZodOptional ||
    current instanceof z.ZodDefault ||
    current instanceof z.ZodNullable
  ) {
    if (isSecret(current)) return current;
    current = current.unwrap() as z.ZodType;
  }
  return current;
}
