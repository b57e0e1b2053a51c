import { createRoleMappingRepository } from '../../../storage/role-mapping-repository.js';
import { defineEndpoint } from '../deps.js';
import { requireTenantAdmin } from '../users/require-tenant-admin.js';
import { mappingJson, mappingSchema } from './role-mapping-support.js';

/** The tenant's group-to-role mapping (decision 0027); `rules` is empty when the tenant has none. */
export const getAdminRoleMapping = defineEndpoint({
  operationId: 'getAdminRoleMapping',
  method: 'get',
  path: '/v1/admin/role-mapping',
  summary: "Your tenant's mapping from directory and token groups to roles (tenant administrators)",
  tags: ['admin', 'roles'],
  access: ['user'],
  responses: {
    200: { description: 'The rules, and which permissions they restrict', schema: mappingSchema },
  },
  handle: async ({ principal }, deps) => {
    const admin = requireTenantAdmin(principal);
    const rules = await createRoleMappingRepository(deps.db).list(admin.tenantId);
    return { status: 200, body: await mappingJson(deps.db, admin.tenantId, rules) };
  },
});
