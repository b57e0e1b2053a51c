import { beforeEach, describe, expect, it } from 'vitest';

import { createConnectorInstanceRepository } from './connector-instance-repository.js';
import { createGroupRepository } from './group-repository.js';
import { createRoleMappingRepository, type RoleRule } from './role-mapping-repository.js';
import { newTenant, newUser, type SchedulingContext } from './scheduling-fixtures.js';

/** The tenant's group-to-role rules and the stored token groups (migration 0006, decision 0027). */
export function describeRoleMappingContract({ db }: SchedulingContext): void {
  describe('role mapping storage', () => {
    let tenantId: string;
    let connectorId: string;
    const mappings = () => createRoleMappingRepository(db());

    beforeEach(async () => {
      tenantId = await newTenant(db());
      const created = await createConnectorInstanceRepository(db()).create(tenantId, {
        connectorType: 'ucs',
        name: 'Directory',
        settings: {},
        secrets: {},
      });
      if (!created.ok) throw new Error('expected the connector to be created');
      connectorId = created.instance.id;
    });

    const rules = (): RoleRule[] => [
      { group: { kind: 'connector', connectorId, name: 'planners' }, roles: ['schedule', 'dial_in'] },
      { group: { kind: 'token', name: '/staff/it' }, roles: ['tenant_admin'] },
      { group: { kind: 'connector', connectorId, name: 'Ärzte & Pflege' }, roles: ['invite_guests'] },
    ];

    it('has no rules until some are saved, then returns them in the order given', async () => {
      expect(await mappings().list(tenantId)).toEqual([]);
      await mappings().replace(tenantId, rules());
      expect(await mappings().list(tenantId)).toEqual(rules());
    });

    it('replaces the whole mapping, and an empty list removes it', async () => {
      await mappings().replace(tenantId, rules());
      const only = [{ group: { kind: 'token', name: 'x' }, roles: ['record'] }] as const;
      await mappings().replace(tenantId, only);
      expect(await mappings().list(tenantId)).toEqual(only);
      await mappings().replace(tenantId, []);
      expect(await mappings().list(tenantId)).toEqual([]);
    });

    it('keeps tenants apart', async () => {
      const other = await newTenant(db());
      await mappings().replace(tenantId, rules());
      expect(await mappings().list(other)).toEqual([]);
      await mappings().replace(other, []);
      expect(await mappings().list(tenantId)).toHaveLength(3);
      expect(await mappings().list('not-a-uuid')).toEqual([]);
    });

    it('refuses a connector id that is not a uuid and keeps what was stored', async () => {
      await mappings().replace(tenantId, rules());
      await expect(
        mappings().replace(tenantId, [
          { group: { kind: 'connector', connectorId: 'x', name: 'g' }, roles: ['schedule'] },
        ]),
      ).rejects.toThrow(RangeError);
      expect(await mappings().list(tenantId)).toEqual(rules());
    });

    it('stores the token groups of the last sign-in, replacing the earlier ones', async () => {
      const user = await newUser(db(), tenantId);
      await mappings().setTokenGroups(tenantId, user.id, ['staff', 'admins', 'staff', '']);
      expect(await mappings().tokenGroupsOf(tenantId, user.id)).toEqual(['admins', 'staff']);
      await mappings().setTokenGroups(tenantId, user.id, ['sales']);
      expect(await mappings().tokenGroupsOf(tenantId, user.id)).toEqual(['sales']);
      await mappings().setTokenGroups(tenantId, user.id, []);
      expect(await mappings().tokenGroupsOf(tenantId, user.id)).toEqual([]);
      // Another tenant's id for this user stores nothing.
      const other = await newTenant(db());
      await mappings().setTokenGroups(other, user.id, ['x']);
      expect(await mappings().tokenGroupsOf(other, user.id)).toEqual([]);
    });

    it("lists the members of the connector's groups that a rule grants a role, not another source's", async () => {
      const [a, b, c] = [
        await newUser(db(), tenantId),
        await newUser(db(), tenantId),
        await newUser(db(), tenantId),
      ];
      const groups = createGroupRepository(db());
      const planners = await groups.upsert(tenantId, {
        name: 'planners',
        source: `ucs:${connectorId}`,
        externalId: 'g1',
      });
      const lookalike = await groups.upsert(tenantId, {
        name: 'admins',
        source: 'ucs:00000000-0000-4000-8000-000000000000',
        externalId: 'g2',
      });
      if (!planners.ok || !lookalike.ok) throw new Error('expected the groups');
      await groups.setMembers(tenantId, planners.group.id, [a.id, b.id]);
      await groups.setMembers(tenantId, lookalike.group.id, [c.id]);
      await mappings().replace(tenantId, [
        { group: { kind: 'connector', connectorId, name: 'planners' }, roles: ['tenant_admin'] },
        { group: { kind: 'connector', connectorId, name: 'admins' }, roles: ['tenant_admin'] },
      ]);
      expect(await mappings().directoryMembersGranted(tenantId, 'tenant_admin')).toEqual([a.id, b.id].sort());
      expect(await mappings().directoryMembersGranted(tenantId, 'schedule')).toEqual([]);
    });
  });
}
