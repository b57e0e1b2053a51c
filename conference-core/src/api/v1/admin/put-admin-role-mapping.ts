import { loadPermissions } from '../../../roles/load-permissions.js';
import { createConnectorAuditRepository } from '../../../storage/connector-audit-repository.js';
import { createConnectorInstanceRepository } from '../../../storage/connector-instance-repository.js';
import { inTransaction } from '../../../storage/repository-support.js';
import { createRoleMappingRepository } from '../../../storage/role-mapping-repository.js';
import { ApiProblem, validationProblem, type FieldProblem } from '../../problem.js';
import { defineEndpoint } from '../deps.js';
import { requireTenantAdmin } from '../users/require-tenant-admin.js';
import { mappingInputSchema, mappingJson, mappingSchema, toRules } from './role-mapping-support.js';

/**
 * Replaces the tenant's mapping as a whole (an empty list removes it: everyone signed in may do
 * everything but administer, as before). Refused when it would end the caller's own administration.
 */
export const putAdminRoleMapping = defineEndpoint({
  operationId: 'putAdminRoleMapping',
  method: 'put',
  path: '/v1/admin/role-mapping',
  summary: "Replace your tenant's mapping from groups to roles (tenant administrators)",
  tags: ['admin', 'roles'],
  access: ['user'],
  body: mappingInputSchema,
  responses: {
    200: { description: 'The stored mapping', schema: mappingSchema },
    409: { description: 'The mapping would take tenant administration away from you' },
    422: { description: 'An unknown role, an unknown connector, a group listed twice' },
  },
  handle: async ({ principal, body }, deps) => {
    const admin = requireTenantAdmin(principal);
    const rules = toRules(body);
    const connectors = new Set(
      (await createConnectorInstanceRepository(deps.db).list(admin.tenantId)).map((c) => c.id.toLowerCase()),
    );
    const problems: FieldProblem[] = [];
    rules.forEach((rule, index) => {
      if (rule.group.kind === 'connector' && !connectors.has(rule.group.connectorId)) {
        problems.push({
          field: `body.rules.${index}.group.connector_id`,
          message: 'no connector of your tenant has this id',
        });
      }
    });
    if (problems.length > 0) throw validationProblem(problems);
    const after = await loadPermissions(
      deps.db,
      admin.tenantId,
      admin.userId,
      { live: true, realmRoles: admin.roles, groups: admin.groups },
      rules,
    );
    if (after.tenant_admin.length === 0) {
      throw new ApiProblem({
        status: 409,
        code: 'conflict',
        title: 'This mapping would take tenant administration away from you',
        detail:
          'You administer this tenant through a group of the current mapping; keep a rule that grants tenant_admin to a group you are in.',
      });
    }
    await inTransaction(deps.db, async (trx) => {
      await createRoleMappingRepository(trx).replace(admin.tenantId, rules);
      await createConnectorAuditRepository(trx).append(admin.tenantId, {
        instanceId: null,
        actor: admin.userId,
        action: 'role_mapping.replaced',
        details: { rules: rules.length },
      });
    });
    return { status: 200, body: await mappingJson(deps.db, admin.tenantId, rules) };
  },
});
