import type { JsonValue } from '../json.js';

/**
 * What the directory service applies. The shapes mirror the connector SDK's normalized records
 * (the core imports nothing of ours, so it states them itself); the hub has validated them against
 * the SDK schemas before they get here.
 */
export interface DirectoryUser {
  readonly externalId: string;
  /** Null: the user cannot be applied (core users need an address) and is skipped with a reason. */
  readonly email: string | null;
  /** Whether the upstream vouches for the address: only then may it claim an existing user. */
  readonly emailVerified: boolean;
  readonly username: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly displayName: string;
  readonly language: string | null;
  readonly phone: string | null;
  /** How an admin finds the entry upstream (a DN, else the username); null when neither is known. */
  readonly label: string | null;
}

export interface DirectoryGroup {
  readonly externalId: string;
  readonly name: string;
  /** The complete member set: it replaces the stored memberships of this group. */
  readonly memberExternalIds: readonly string[];
}

export interface DirectoryRef {
  readonly type: 'user' | 'group';
  readonly externalId: string;
}

export interface DirectorySkip extends DirectoryRef {
  /** How an admin finds the entry upstream (a DN, else the username), when known. */
  readonly label: string | null;
  readonly reason: string;
}

export interface DirectoryBatch {
  readonly users: readonly DirectoryUser[];
  readonly groups: readonly DirectoryGroup[];
  /** Records that left the upstream; deactivated when the run completes, not now. */
  readonly deletes: readonly DirectoryRef[];
  /** Records the connector or the hub's validation could not use, with the reason. */
  readonly skipped: readonly DirectorySkip[];
  readonly cursor: JsonValue;
  /**
   * How many of the connector's batches this one joins (default 1): the hub applies batches that
   * piled up while it was writing in one transaction, with the last one's cursor (decision 0028).
   */
  readonly pages?: number;
}

/** One run's lease: only the worker holding it may apply to the run. */
export interface RunLease {
  readonly tenantId: string;
  readonly runId: string;
  readonly owner: string;
}

export interface BatchOutcome {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly reactivated: number;
  readonly skipped: number;
}

export type ApplyBatchResult =
  | { readonly ok: true; readonly outcome: BatchOutcome }
  /** The run is no longer this worker's (taken over after a stall, failed, or finished): nothing applied. */
  | { readonly ok: false; readonly reason: 'lease_lost' };

export type FinishRunResult =
  | { readonly ok: true; readonly state: 'completed' | 'needs_approval'; readonly deactivations: number }
  | { readonly ok: false; readonly reason: 'lease_lost' };

export type DecideRunResult =
  | { readonly ok: true; readonly deactivated: number }
  | { readonly ok: false; readonly reason: 'not_found' | 'not_awaiting_approval' };

/** The identity source of a connector instance: links are per instance, not per connector type. */
export function identitySource(connectorType: string, instanceId: string): string {
  return `${connectorType}:${instanceId.toLowerCase()}`;
}
