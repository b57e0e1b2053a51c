import { sql } from 'kysely';

import {
  createTenantRepository,
  createUserRepository,
  createUserRoleRepository,
  jsonb,
  tenantAdminRole,
  type Db,
} from '@vc/conference-core';

/** What a command printed and how the process should exit (0 done, 1 refused, 2 usage). */
export interface CommandResult {
  readonly exitCode: 0 | 1 | 2;
  readonly output: string;
}

export const adminUsage = `usage: npm run admin -- <command>

  tenants                               list tenants with their users and administrators
  admins <tenant>                       list the tenant's administrators and where each role comes from
  user <tenant> <email>                 show an account: enabled, identities (and which source owns it), roles
  enable <tenant> <email>               enable an account a sync or an administrator disabled
  grant-admin <tenant> <email>          make the account a tenant administrator (stored, source "operator")
  revoke-admin <tenant> <email>         take back what grant-admin gave (a token's role is the issuer's)
  unlink <tenant> <email> <source>      remove the account's identity of a source (e.g. ucs:<connector id>)
  hand-over <tenant> <email> <source>   let that source own the account (it then sets the profile and may disable it)

<tenant> is the tenant's slug. Every change is written to the connector audit log (actor "operator").`;

/** The arguments after the command each per-account command takes. */
const commandArity: Record<string, number | undefined> = {
  user: 2,
  enable: 2,
  'grant-admin': 2,
  'revoke-admin': 2,
  unlink: 3,
  'hand-over': 3,
};

const done = (output: string): CommandResult => ({ exitCode: 0, output });
const refused = (output: string): CommandResult => ({ exitCode: 1, output });

/**
 * The operator's recovery commands (issue 17): what to do on the host when a sync or a mistake
 * locked people out and nobody can fix it through the API. Runs against the configured database;
 * changes go straight to the tables the API and the sync use, and are audited.
 */
export async function runAdminCommand(db: Db, args: readonly string[]): Promise<CommandResult> {
  const [command, tenantSlug, email, source] = args;
  const needs = (count: number) => args.length === count + 1;
  if (command === 'tenants' && needs(0)) return listTenants(db);
  if (command === undefined || tenantSlug === undefined) return { exitCode: 2, output: adminUsage };
  const tenant = await createTenantRepository(db).findBySlug(tenantSlug);
  if (tenant === undefined) return refused(`no tenant with the slug "${tenantSlug}"`);
  if (command === 'admins' && needs(1)) return listAdmins(db, tenant.id);
  if (email === undefined) return { exitCode: 2, output: adminUsage };
  const user = await createUserRepository(db).findByEmail(tenant.id, email);
  if (user === undefined) return refused(`no account with the email ${email} in tenant ${tenantSlug}`);
  const audit = (action: string, details: Record<string, string>) =>
    db
      .insertInto('connector_audit_log')
      .values({
        tenant_id: tenant.id,
        instance_id: null,
        actor: 'operator',
        action,
        details: jsonb({ email: user.email, ...details }),
      })
      .execute();
  const roles = createUserRoleRepository(db);

  const arity = commandArity[command];
  if (arity === undefined || !needs(arity)) return { exitCode: 2, output: adminUsage };
  switch (command) {
    case 'user':
      return describeUser(db, tenant.id, user.id);
    case 'enable': {
      if (user.disabledAt === null) return done(`${user.email} is enabled already`);
      await db
        .updateTable('users')
        .set({ disabled_at: null, deactivated_by: null, updated_at: sql<Date>`now()` })
        .where('tenant_id', '=', tenant.id)
        .where('id', '=', user.id)
        .execute();
      await audit('user.enabled', {});
      return done(`${user.email} is enabled`);
    }
    case 'grant-admin': {
      const granted = await roles.grant(tenant.id, user.id, tenantAdminRole, 'operator');
      if (granted) await audit('role.granted', { role: tenantAdminRole });
      return done(
        `${user.email} ${granted ? 'is now' : 'was already'} a tenant administrator (operator grant)`,
      );
    }
    case 'revoke-admin': {
      const revoked = await roles.revoke(tenant.id, user.id, tenantAdminRole, 'operator');
      if (!revoked) return refused(`${user.email} holds no operator grant of ${tenantAdminRole}`);
      await audit('role.revoked', { role: tenantAdminRole });
      return done(`${user.email}: the operator grant of ${tenantAdminRole} is revoked`);
    }
    case 'unlink':
    case 'hand-over': {
      if (source === undefined) break;
      const identity = db
        .selectFrom('user_identities')
        .where('tenant_id', '=', tenant.id)
        .where('user_id', '=', user.id)
        .where('source', '=', source);
      const found = await identity.select('external_id').executeTakeFirst();
      if (found === undefined) return refused(`${user.email} has no identity of the source ${source}`);
      if (command === 'unlink') {
        await db
          .deleteFrom('user_identities')
          .where('tenant_id', '=', tenant.id)
          .where('user_id', '=', user.id)
          .where('source', '=', source)
          .execute();
        await audit('identity.unlinked', { source, external_id: found.external_id });
        return done(`${user.email} is no longer linked to ${source}`);
      }
      await db
        .updateTable('user_identities')
        .set({ owns_user: true })
        .where('tenant_id', '=', tenant.id)
        .where('user_id', '=', user.id)
        .where('source', '=', source)
        .execute();
      await audit('identity.handed_over', { source, external_id: found.external_id });
      return done(`${source} now owns ${user.email}`);
    }
  }
  return { exitCode: 2, output: adminUsage };
}

async function listTenants(db: Db): Promise<CommandResult> {
  const tenants = await createTenantRepository(db).list();
  const lines = ['slug\tusers\tactive administrators\tname'];
  for (const tenant of tenants) {
    const counts = await db
      .selectFrom('users')
      .select((eb) => [
        eb.fn.countAll<string>().as('users'),
        sql<string>`count(*) filter (where disabled_at is null and exists (
          select 1 from user_roles r where r.tenant_id = users.tenant_id and r.user_id = users.id
            and r.role = ${tenantAdminRole}))`.as('admins'),
      ])
      .where('tenant_id', '=', tenant.id)
      .executeTakeFirstOrThrow();
    lines.push(`${tenant.slug}\t${Number(counts.users)}\t${Number(counts.admins)}\t${tenant.name}`);
  }
  return done(lines.join('\n'));
}

async function listAdmins(db: Db, tenantId: string): Promise<CommandResult> {
  const holders = await createUserRoleRepository(db).listHolders(tenantId, tenantAdminRole);
  const users = createUserRepository(db);
  const lines = ['email\tstatus\tsource of the role'];
  for (const holder of holders) {
    const user = await users.findById(tenantId, holder.userId);
    if (user === undefined) continue;
    lines.push(`${user.email}\t${user.disabledAt === null ? 'enabled' : 'disabled'}\t${holder.source}`);
  }
  if (lines.length === 1) lines.push('(none: grant one with grant-admin)');
  return done(lines.join('\n'));
}

async function describeUser(db: Db, tenantId: string, userId: string): Promise<CommandResult> {
  const user = (await createUserRepository(db).findById(tenantId, userId))!;
  const identities = await db
    .selectFrom('user_identities')
    .select(['source', 'external_id', 'owns_user'])
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .orderBy('source')
    .execute();
  const roles = await createUserRoleRepository(db).listForUser(tenantId, userId);
  const deactivated = await db
    .selectFrom('users')
    .select('deactivated_by')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const status =
    user.disabledAt === null
      ? 'enabled'
      : `disabled ${user.disabledAt.toISOString()} by ${deactivated.deactivated_by ?? 'an administrator'}`;
  return done(
    [
      `${user.email} (${user.displayName}): ${status}`,
      ...identities.map(
        (i) => `identity ${i.source} ${i.external_id}${i.owns_user ? ' (owns the account)' : ''}`,
      ),
      ...roles.map((r) => `role ${r.role} from ${r.source}`),
    ].join('\n'),
  );
}
