import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { acknowledge, readListenerFolder } from './listener-files.js';

const anna = '11111111-2222-4333-8444-555555555555';
const ben = '66666666-7777-4888-8999-aaaaaaaaaaaa';
let folder = '';

function write(name: string, content: unknown): void {
  writeFileSync(join(folder, name), typeof content === 'string' ? content : JSON.stringify(content));
}

const user = (id: string, object: Record<string, unknown> | null) => ({
  id,
  dn: `uid=x,cn=users,dc=ucs,dc=test`,
  udm_object_type: 'users/user',
  object,
});

describe('UCS listener files', () => {
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('turns changes into upserts and deletes in filename order, the last file for an id winning', async () => {
    folder = mkdtempSync(join(tmpdir(), 'listener-'));
    write(
      '2026-11-26-10-00-00-000001.json',
      user(anna, {
        username: 'anna',
        mailPrimaryAddress: 'Anna@UCS.test',
        firstname: 'Anna',
        lastname: 'A',
        opentalkActivated: 'TRUE',
        phone: ['+49 1'],
      }),
    );
    write(
      '2026-11-26-10-00-00-000002.json',
      user(ben, { username: 'ben', mailPrimaryAddress: 'ben@ucs.test', opentalkActivated: 'TRUE' }),
    );
    write('2026-11-26-10-00-00-000003.json', user(ben, null));
    write('2026-11-26-10-00-00-000004.json', {
      id: anna,
      dn: 'cn=g',
      udm_object_type: 'groups/group',
      object: { name: 'g' },
    });
    const batch = await readListenerFolder(folder, { activationProperty: 'opentalkActivated' });
    expect(batch.upserts).toMatchObject([
      { externalId: anna, email: 'anna@ucs.test', firstName: 'Anna', phone: '+49 1' },
    ]);
    expect(batch.deletes).toEqual([{ type: 'user', externalId: ben }]);
    expect(batch.files).toHaveLength(4);
    await acknowledge(batch.files);
    await acknowledge(batch.files);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('treats a removed activation flag or a disabled account as a delete', async () => {
    folder = mkdtempSync(join(tmpdir(), 'listener-'));
    write(
      '1.json',
      user(anna, { username: 'anna', mailPrimaryAddress: 'a@ucs.test', opentalkActivated: 'FALSE' }),
    );
    write(
      '2.json',
      user(ben, {
        username: 'ben',
        mailPrimaryAddress: 'b@ucs.test',
        opentalkActivated: 'TRUE',
        disabled: '1',
      }),
    );
    const batch = await readListenerFolder(folder, { activationProperty: 'opentalkActivated' });
    expect(batch.deletes.map((d) => d.externalId).sort()).toEqual([anna, ben]);
  });

  it('sets broken files aside and skips entries without mail or id, without failing', async () => {
    folder = mkdtempSync(join(tmpdir(), 'listener-'));
    write('1.json', '{not json');
    write('2.json', user('not-a-uuid', { username: 'x', opentalkActivated: 'TRUE' }));
    write('3.json', user(anna, { username: 'anna', opentalkActivated: 'TRUE' }));
    const batch = await readListenerFolder(folder, { activationProperty: 'opentalkActivated' });
    expect(batch.skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/not valid JSON/) as string,
      expect.stringMatching(/without a valid id/) as string,
      expect.stringMatching(/no mailPrimaryAddress/) as string,
    ]);
    expect(readdirSync(folder).sort()).toEqual(['1.json.invalid', '2.json', '3.json']);
  });
});
