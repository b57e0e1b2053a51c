import { describe, expect, it } from 'vitest';

import type { RoleRule } from '../storage/role-mapping-repository.js';
import { heldPermissions, resolvePermissions, type PermissionFacts } from './resolve-permissions.js';

const connector = '6f1c1f5e-2b7a-4c47-9d2e-0d1f4e0a0001';
const facts = (over: Partial<PermissionFacts> = {}): PermissionFacts => ({
  rules: [],
  adminSources: [],
  directoryGroups: [],
  tokenGroups: [],
  ...over,
});
const schedulers: RoleRule = {
  group: { kind: 'connector', connectorId: connector, name: 'planners' },
  roles: ['schedule'],
};

describe('permissions from the group mapping', () => {
  it('gives everyone signed in every permission but tenant_admin when the tenant has no mapping', () => {
    const effective = resolvePermissions(facts());
    expect(heldPermissions(effective)).toEqual(['schedule', 'dial_in', 'invite_guests', 'record']);
    expect(effective.schedule).toEqual([{ kind: 'default' }]);
  });

  it('restricts only the permissions a rule grants, to the members of its group', () => {
    const outsider = resolvePermissions(facts({ rules: [schedulers] }));
    expect(heldPermissions(outsider)).toEqual(['dial_in', 'invite_guests', 'record']);
    const member = resolvePermissions(
      facts({ rules: [schedulers], directoryGroups: [{ connectorId: connector, name: 'planners' }] }),
    );
    expect(member.schedule).toEqual([{ kind: 'connector_group', connectorId: connector, group: 'planners' }]);
  });

  it('does not match a group of the same name synced by another connector', () => {
    const effective = resolvePermissions(
      facts({ rules: [schedulers], directoryGroups: [{ connectorId: 'other', name: 'planners' }] }),
    );
    expect(effective.schedule).toEqual([]);
  });

  it('matches token groups exactly and names every grant', () => {
    const effective = resolvePermissions(
      facts({
        rules: [
          schedulers,
          { group: { kind: 'token', name: '/staff/planners' }, roles: ['schedule', 'dial_in'] },
        ],
        tokenGroups: ['/staff/planners', 'planners'],
      }),
    );
    expect(effective.schedule).toEqual([{ kind: 'token_group', group: '/staff/planners' }]);
    expect(effective.dial_in).toEqual([{ kind: 'token_group', group: '/staff/planners' }]);
    expect(resolvePermissions(facts({ rules: [schedulers], tokenGroups: ['planners'] })).schedule).toEqual(
      [],
    );
  });

  it('makes tenant administrators, stored or mapped, hold every permission', () => {
    const stored = resolvePermissions(facts({ rules: [schedulers], adminSources: ['operator', 'token'] }));
    expect(stored.tenant_admin).toEqual([
      { kind: 'stored_role', source: 'operator' },
      { kind: 'stored_role', source: 'token' },
    ]);
    expect(stored.schedule).toEqual([{ kind: 'tenant_admin' }]);
    const mapped = resolvePermissions(
      facts({
        rules: [schedulers, { group: { kind: 'token', name: 'it' }, roles: ['tenant_admin'] }],
        tokenGroups: ['it'],
      }),
    );
    expect(heldPermissions(mapped)).toEqual([
      'tenant_admin',
      'schedule',
      'dial_in',
      'invite_guests',
      'record',
    ]);
  });

  it('ignores roles it does not know (a later version stored them)', () => {
    const effective = resolvePermissions(
      facts({ rules: [{ group: { kind: 'token', name: 'x' }, roles: ['teleport'] }], tokenGroups: ['x'] }),
    );
    expect(heldPermissions(effective)).toEqual(['schedule', 'dial_in', 'invite_guests', 'record']);
  });
});
