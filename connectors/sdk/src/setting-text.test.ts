import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { secret } from './secret.js';
import { labelled, settingTextsOf } from './setting-text.js';

describe('settings labels', () => {
  it('are found on a field, behind optional and default wrappers, and next to a secret marker', () => {
    const url = { label: { en: 'Server', de: 'Server' } };
    const size = {
      label: { en: 'Page size', de: 'Seitengröße' },
      description: { en: 'Per page', de: 'Je Seite' },
    };
    const password = { label: { en: 'Password', de: 'Passwort' } };
    const schema = z.object({
      url: labelled(z.string(), url),
      size: labelled(z.number().int().default(5), size),
      password: labelled(secret(z.string()).optional(), password),
      deep: labelled(z.boolean(), url).default(true),
      bare: z.string().optional(),
    });
    const texts = settingTextsOf(schema);
    expect(texts).toEqual({ url, size, password, deep: url });
    expect(Object.keys(texts)).not.toContain('bare');
  });
});
