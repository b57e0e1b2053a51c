import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { listListenerFiles, readListenerChanges, removeAppliedListenerFiles } from './listener-files.js';

const anna = '11111111-2222-4333-8444-555555555555';
const ben = '66666666-7777-4888-8999-aaaaaaaaaaaa';
const group = 'abcdefab-cdef-4abc-8def-abcdefabcdef';
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
const options = { activationProperty: 'opentalkActivated' };
const readAll = async () => readListenerChanges(folder, await listListenerFiles(folder, null), options);

describe('UCS listener files', () => {
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'listener-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('turns changes into upserts and deletes in filename order, the last file for an id winning', async () => {
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
      id: group,
      dn: 'cn=g,cn=groups,dc=ucs,dc=test',
      udm_object_type: 'groups/group',
      object: { name: 'g' },
    });
    write('2026-11-26-10-00-00-000005.json', {
      id: anna.replace('1111', '9999'),
      dn: 'cn=h,cn=groups,dc=ucs,dc=test',
      udm_object_type: 'groups/group',
      object: null,
    });
    const changes = await readAll();
    expect(changes.upserts).toMatchObject([
      { externalId: anna, email: 'anna@ucs.test', firstName: 'Anna', phone: '+49 1' },
    ]);
    // A changed group waits for the run's LDAP read (member DNs); a removed one is a delete.
    expect(changes.deletes).toEqual([
      { type: 'user', externalId: ben },
      { type: 'group', externalId: anna.replace('1111', '9999') },
    ]);
  });

  it('lists files after a position in name order, and removes only those up to a committed one', async () => {
    for (const name of ['b.json', 'a.json', 'c.json', 'notes.txt', 'x.json.invalid']) write(name, '{}');
    expect(await listListenerFiles(folder, null)).toEqual(['a.json', 'b.json', 'c.json']);
    expect(await listListenerFiles(folder, 'a.json', 1)).toEqual(['b.json']);
    expect(await removeAppliedListenerFiles(folder, null)).toBe(0);
    expect(await removeAppliedListenerFiles(folder, 'b.json')).toBe(2);
    expect(readdirSync(folder).sort()).toEqual(['c.json', 'notes.txt', 'x.json.invalid']);
    expect(await listListenerFiles(join(folder, 'not-there'), null)).toEqual([]);
    expect(await removeAppliedListenerFiles(join(folder, 'not-there'), 'z.json')).toBe(0);
  });

  it('treats a removed activation flag or a disabled account as a delete', async () => {
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
    const changes = await readAll();
    expect(changes.deletes.map((d) => d.externalId).sort()).toEqual([anna, ben]);
  });

  it('sets broken files aside and skips entries without mail or id, without failing', async () => {
    write('1.json', '{not json');
    write('2.json', user('not-a-uuid', { username: 'x', opentalkActivated: 'TRUE' }));
    write('3.json', user(anna, { username: 'anna', opentalkActivated: 'TRUE' }));
    write('4.json', 'null');
    const changes = await readAll();
    expect(changes.skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/1\.json is not a JSON object/) as string,
      expect.stringMatching(/without a valid id/) as string,
      expect.stringMatching(/4\.json is not a JSON object/) as string,
      expect.stringMatching(/no mailPrimaryAddress/) as string,
    ]);
    expect(readdirSync(folder).sort()).toEqual(['1.json.invalid', '2.json', '3.json', '4.json.invalid']);
  });
});
