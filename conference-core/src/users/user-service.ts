import type { Db } from '../storage/repository-support.js';
import { createUserRepository, type User } from '../storage/user-repository.js';

/** A person of a tenant, acting on their own account. */
export interface UserActor {
  readonly tenantId: string;
  readonly userId: string;
}

/** What a person may change about themselves; email and names come from the identity provider. */
export interface ProfilePatch {
  readonly displayName?: string;
  readonly language?: string | null;
  readonly timeZone?: string | null;
  readonly phone?: string | null;
}

/**
 * The people of a tenant as the API shows them: your own profile, and the people you may invite.
 * Always within the actor's tenant; an account that is gone reads as undefined.
 */
export function createUserService({ db }: { readonly db: Db }) {
  const users = createUserRepository(db);
  return {
    profile: (actor: UserActor): Promise<User | undefined> => users.findById(actor.tenantId, actor.userId),

    async updateProfile(actor: UserActor, patch: ProfilePatch): Promise<User | undefined> {
      const result = await users.update(actor.tenantId, actor.userId, patch);
      return result.ok ? result.user : undefined;
    },

    /** People whose email or name starts with `query`, for inviting them. */
    search: (actor: UserActor, query: string, limit: number): Promise<User[]> =>
      users.search(actor.tenantId, query, limit),

    /** Up to `limit` people of the tenant with this phone number (to name a caller). */
    byPhone: (tenantId: string, number: string, limit: number): Promise<User[]> =>
      users.findByPhone(tenantId, number, limit),
  };
}

export type UserService = ReturnType<typeof createUserService>;
