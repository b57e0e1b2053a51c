import { z } from 'zod';

import { loadPermissions } from '../../../roles/load-permissions.js';
import { permissions } from '../../../roles/permissions.js';
import { createRoleMappingRepository } from '../../../storage/role-mapping-repository.js';
import { createUserRepository } from '../../../storage/user-repository.js';
import { ApiProblem } from '../../problem.js';
import { defineEndpoint } from '../deps.js';
import { requireTenantAdmin } from '../users/require-tenant-admin.js';
import { grantJson, grantSchema, permissionSchema } from './role-mapping-support.js';

/**
 * A person's effective permissions and where each comes from. Token groups are those of the
 * person's last sign-in (a request uses its own token's).
 */
export const getAdminUserRoles = defineEndpoint({
  operationId: 'getAdminUserRoles',
  method: 'get',
  path: '/v1/admin/users/{userId}/roles',
  summary: "A person's effective permissions and where each comes from (tenant administrators)",
  tags: ['admin', 'roles'],
  access: ['user'],
  params: z.object({ userId: z.uuid().describe('The person') }),
  responses: {
    200: {
      description: 'Each permission, whether it is held, and its grants (none when not held)',
      schema: z.object({
        user_id: z.uuid().describe('The person'),
        email: z.string().describe('Their email address'),
        mapping: z.boolean().describe('Whether the tenant has a mapping at all'),
        token_groups: z.array(z.string()).describe("The groups claim of the person's last sign-in"),
        permissions: z
          .array(
            z.object({
              permission: permissionSchema,
              held: z.boolean().describe('Whether the person holds it now'),
              grants: z.array(grantSchema).describe('What grants it; empty when not held'),
            }),
          )
          .describe('Every permission'),
      }),
    },
  },
  handle: async ({ principal, params }, deps) => {
    const admin = requireTenantAdmin(principal);
    const user = await createUserRepository(deps.db).findById(admin.tenantId, params.userId);
    if (user === undefined) throw new ApiProblem({ status: 404, code: 'not_found', title: 'No such user' });
    const mappings = createRoleMappingRepository(deps.db);
    const rules = await mappings.list(admin.tenantId);
    const effective = await loadPermissions(deps.db, admin.tenantId, user.id, { live: false }, rules);
    return {
      status: 200,
      body: {
        user_id: user.id,
        email: user.email,
        mapping: rules.length > 0,
        token_groups: await mappings.tokenGroupsOf(admin.tenantId, user.id),
        permissions: permissions.map((permission) => ({
          permission,
          held: effective[permission].length > 0,
          grants: effective[permission].map(grantJson),
        })),
      },
    };
  },
});
