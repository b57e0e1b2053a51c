import { describe, expect, it } from 'vitest';

import { fakeConnector } from '../testing/fake-directory.js';
import {
  openSettings,
  prepareSettings,
  publicSettings,
  secretSetMarker,
  settingsJsonSchema,
} from './connector-settings.js';
import { createSecretBox } from './secret-box.js';

const definition = fakeConnector({});
const box = createSecretBox(Buffer.alloc(32, 3));
const tenant = '00000000-0000-4000-8000-000000000001';

describe('connector settings', () => {
  it('stores secret fields only sealed and shows them as a marker', () => {
    const prepared = prepareSettings(definition, box, tenant, { directory: 'corp', password: 'pw-123' });
    if (!prepared.ok) throw new Error('expected valid settings');
    expect(prepared.stored.settings).toEqual({ directory: 'corp', pageSize: 2, logSettings: false });
    expect(JSON.stringify(prepared.stored)).not.toContain('pw-123');
    expect(publicSettings(prepared.stored)).toMatchObject({ password: secretSetMarker });
    const opened = openSettings(definition, box, { ...prepared.stored, tenantId: tenant } as never);
    expect(opened).toMatchObject({ ok: true, settings: { password: 'pw-123' }, secretValues: ['pw-123'] });
  });

  it('keeps the stored secret when an update leaves it out or sends the marker back', () => {
    const first = prepareSettings(definition, box, tenant, { directory: 'corp', password: 'pw-123' });
    if (!first.ok) throw new Error('expected valid settings');
    for (const patch of [{ pageSize: 5 }, { pageSize: 5, password: secretSetMarker }]) {
      const next = prepareSettings(definition, box, tenant, patch, first.stored);
      if (!next.ok) throw new Error('expected valid settings');
      expect(next.stored.settings['pageSize']).toBe(5);
      expect(openSettings(definition, box, { ...next.stored, tenantId: tenant } as never)).toMatchObject({
        settings: { password: 'pw-123' },
      });
    }
  });

  it('names every bad field under body.settings, without echoing values', () => {
    const result = prepareSettings(definition, box, tenant, { directory: '', pageSize: 'lots', password: 7 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field).sort()).toEqual([
      'body.settings.directory',
      'body.settings.pageSize',
      'body.settings.password',
    ]);
    expect(JSON.stringify(result.problems)).not.toContain('lots');
  });

  it('describes the settings as JSON Schema with secret fields marked', () => {
    const schema = settingsJsonSchema(definition) as { properties: Record<string, Record<string, unknown>> };
    expect(schema.properties['password']).toMatchObject({
      writeOnly: true,
      'x-secret': true,
      description: 'bind password',
    });
    expect(schema.properties['directory']?.['x-secret']).toBeUndefined();
  });
});
