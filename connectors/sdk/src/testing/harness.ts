import type { ConnectorDefinition } from '../connector.js';

/** A person the conformance suite asks the harness to put into the upstream. */
export interface SeedUser {
  /** The suite's handle for the person (a login name); the upstream assigns its own external id. */
  readonly key: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
}

export interface HarnessSettingsOptions {
  /** Ask for batches of at most this many records, so a run of a few users has several batches. */
  readonly batchSize?: number;
}

/**
 * What a connector's test gives the conformance suite: control over a real (or faithfully faked)
 * upstream. Every method acts on the upstream, never on the connector.
 */
export interface ConformanceHarness<TSettings = unknown> {
  readonly connector: ConnectorDefinition;
  /** Replaces everything in scope with exactly these (activated) users. */
  seed(users: readonly SeedUser[]): Promise<void>;
  addUser(user: SeedUser): Promise<void>;
  modifyUser(key: string, changes: Partial<Omit<SeedUser, 'key'>>): Promise<void>;
  /** Deletes the person from the upstream. */
  removeUser(key: string): Promise<void>;
  /** Keeps the person upstream but takes them out of scope (UCS: activation flag removed). */
  deactivateUser(key: string): Promise<void>;
  settings(options?: HarnessSettingsOptions): TSettings;
  /** Settings that reach the upstream but with credentials it rejects. */
  badCredentialsSettings(): TSettings;
  /** Makes the upstream refuse service (throttle, outage or stopped server) until `restore`. */
  disrupt(): Promise<void>;
  restore(): Promise<void>;
  /**
   * Time the upstream needs so that a change made now is newer than a cursor taken before it
   * (LDAP timestamps have whole seconds). Called between a completed run and the next change.
   */
  tick?(): Promise<void>;
}
