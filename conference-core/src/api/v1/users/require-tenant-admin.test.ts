import { describe, expect, it } from 'vitest';

import type { Principal } from '../../principal.js';
import { requireTenantAdmin } from './require-tenant-admin.js';

const user = (roles: string[]): Principal => ({
  kind: 'user',
  tenantId: 't',
  userId: 'u',
  email: 'a@example.test',
  roles,
  groups: [],
  permissions: [],
});

describe('tenant administrator check', () => {
  it('lets a user with the tenant-admin realm role through', () => {
    expect(requireTenantAdmin(user(['tenant-admin'])).userId).toBe('u');
  });

  it('refuses other users, services and guests with 403 forbidden', () => {
    const refused = [
      user(['offline_access']),
      { kind: 'service', tenantId: 't', clientId: 'sip', roles: ['tenant-admin'] } as const,
      { kind: 'guest', tenantId: 't', roomId: 'r', inviteCode: 'c' } as const,
      undefined,
    ];
    for (const principal of refused) {
      expect(() => requireTenantAdmin(principal)).toThrow(expect.objectContaining({ name: 'ApiProblem' }));
    }
  });
});
