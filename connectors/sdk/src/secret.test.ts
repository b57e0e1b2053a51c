import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { secret, secretKeys } from './secret.js';

describe('secret settings fields', () => {
  it('are found by marker, also behind optional and default wrappers, and plain fields are not', () => {
    const schema = z.object({
      url: z.string().describe('server'),
      password: secret(z.string().describe('bind password')),
      token: secret(z.string()).optional(),
      other: z.string().optional(),
    });
    expect(secretKeys(schema).sort()).toEqual(['password', 'token']);
  });
});
