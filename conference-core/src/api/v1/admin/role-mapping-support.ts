import { z } from 'zod';

import { permissions } from '../../../roles/permissions.js';
import type { Grant } from '../../../roles/resolve-permissions.js';
import { createConnectorInstanceRepository } from '../../../storage/connector-instance-repository.js';
import type { Db } from '../../../storage/repository-support.js';
import type { MappedGroup, RoleRule } from '../../../storage/role-mapping-repository.js';

export const permissionSchema = z
  .enum(permissions)
  .describe(
    'tenant_admin: administer the tenant (and hold every other permission); schedule: create rooms and meetings; ' +
      'dial_in: give rooms a dial-in number; invite_guests: guest links, guest access and invitations to outside ' +
      'addresses; record: stored for the recording feature to come, checked nowhere yet',
  );

const groupName = z.string().trim().min(1).max(256);

export const mappedGroupSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('connector').describe('A group a connector syncs'),
      connector_id: z.uuid().describe('The connector'),
      name: groupName.describe('The group name as the connector syncs it (for UCS: the cn)'),
    })
    .describe('A directory group one of your connectors syncs'),
  z
    .strictObject({
      kind: z.literal('token').describe('A group named in the sign-in token'),
      name: groupName.describe('A value of the sign-in token\'s "groups" (or "x_grp") claim, exactly'),
    })
    .describe("A group in the sign-in token's groups claim"),
]);

export const ruleInputSchema = z.strictObject({
  group: mappedGroupSchema.describe('The group the rule is about'),
  roles: z
    .array(permissionSchema)
    .min(1)
    .max(permissions.length)
    .refine((roles) => new Set(roles).size === roles.length, 'expected each role at most once')
    .describe('The permissions members of the group get'),
});

export const mappingInputSchema = z
  .strictObject({ rules: z.array(ruleInputSchema).max(200).describe('One rule per group, in order') })
  .superRefine((mapping, ctx) => {
    const seen = new Set<string>();
    mapping.rules.forEach((rule, index) => {
      const key = JSON.stringify(groupKey(rule.group));
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'group'],
          message: 'this group is already mapped by an earlier rule; list its roles there',
        });
      }
      seen.add(key);
    });
  });
export type MappingInput = z.output<typeof mappingInputSchema>;

function groupKey(group: z.output<typeof mappedGroupSchema>): unknown[] {
  return group.kind === 'connector'
    ? [group.kind, group.connector_id.toLowerCase(), group.name]
    : [group.kind, group.name];
}

export const ruleStatusSchema = z
  .enum(['synced', 'not_synced', 'connector_missing', 'token_claim'])
  .describe(
    'synced: the connector has synced a group of this name; not_synced: not (yet); connector_missing: the ' +
      'connector was deleted, so the rule matches nobody; token_claim: checked against each sign-in token',
  );

export const mappingSchema = z.object({
  rules: z.array(ruleInputSchema.extend({ status: ruleStatusSchema })).describe('The rules, in order'),
  restricted: z
    .array(permissionSchema)
    .describe('Permissions some rule grants: only members of those groups (and tenant admins) hold them'),
  open: z
    .array(permissionSchema)
    .describe('Permissions no rule grants: every signed-in person holds them (tenant_admin never is open)'),
});

export function toRules(input: MappingInput): RoleRule[] {
  return input.rules.map((rule) => ({
    group:
      rule.group.kind === 'connector'
        ? { kind: 'connector', connectorId: rule.group.connector_id.toLowerCase(), name: rule.group.name }
        : { kind: 'token', name: rule.group.name },
    roles: rule.roles,
  }));
}

function groupJson(group: MappedGroup): z.output<typeof mappedGroupSchema> {
  return group.kind === 'connector'
    ? { kind: 'connector', connector_id: group.connectorId, name: group.name }
    : { kind: 'token', name: group.name };
}

/** The mapping as the API shows it, with each rule's status looked up. */
export async function mappingJson(
  db: Db,
  tenantId: string,
  rules: readonly RoleRule[],
): Promise<z.output<typeof mappingSchema>> {
  const connectors = new Set(
    (await createConnectorInstanceRepository(db).list(tenantId)).map((c) => c.id.toLowerCase()),
  );
  const synced = await db
    .selectFrom('groups')
    .select(['source', 'name'])
    .where('tenant_id', '=', tenantId)
    .where('source', 'is not', null)
    .where('name', 'in', rules.length === 0 ? [''] : rules.map((r) => r.group.name))
    .execute();
  const syncedKeys = new Set(
    synced.map((g) => `${g.source?.slice(g.source.lastIndexOf(':') + 1)}\n${g.name}`),
  );
  const restricted = permissions.filter((p) => rules.some((r) => r.roles.includes(p)));
  return {
    rules: rules.map((rule) => ({
      group: groupJson(rule.group),
      roles: rule.roles.filter((role): role is (typeof permissions)[number] =>
        (permissions as readonly string[]).includes(role),
      ),
      status:
        rule.group.kind === 'token'
          ? 'token_claim'
          : !connectors.has(rule.group.connectorId)
            ? 'connector_missing'
            : syncedKeys.has(`${rule.group.connectorId}\n${rule.group.name}`)
              ? 'synced'
              : 'not_synced',
    })),
    restricted,
    open: permissions.filter((p) => p !== 'tenant_admin' && !restricted.includes(p)),
  };
}

export const grantSchema = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('default').describe('How the permission is granted') })
    .describe('No rule grants this permission: every signed-in person holds it'),
  z
    .object({
      kind: z.literal('stored_role').describe('How the permission is granted'),
      source: z.string().describe('Where the stored role came from: token or operator'),
    })
    .describe(
      'The stored tenant-admin role: "token" (realm role at the last sign-in) or "operator" (npm run admin)',
    ),
  z
    .object({
      kind: z.literal('connector_group').describe('How the permission is granted'),
      connector_id: z.uuid().describe('The connector that synced the group'),
      group: z.string().describe('The group name'),
    })
    .describe('Membership of a directory group a connector synced'),
  z
    .object({
      kind: z.literal('token_group').describe('How the permission is granted'),
      group: z.string().describe('The group name in the token'),
    })
    .describe('A group of the sign-in token'),
  z
    .object({ kind: z.literal('tenant_admin').describe('How the permission is granted') })
    .describe('Tenant administrators hold every permission'),
]);

export function grantJson(grant: Grant): z.output<typeof grantSchema> {
  return grant.kind === 'connector_group'
    ? { kind: 'connector_group', connector_id: grant.connectorId, group: grant.group }
    : grant;
}
