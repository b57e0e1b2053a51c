import { endpointDefiner, type Db, type Logger } from '@vc/conference-core';

import type { ConnectorRegistry } from '../connectors/registry.js';
import type { SecretBox } from '../sync/secret-box.js';
import type { SyncEngine } from '../sync/sync-engine.js';

/** What the connector admin endpoints get from the hub. */
export interface AdminDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly registry: ConnectorRegistry;
  readonly secrets: SecretBox;
  readonly engine: SyncEngine;
  /** Guard share of new connectors unless the request names one (SYNC_GUARD_SHARE). */
  readonly defaultGuardShare: number;
  /**
   * Told after a connector was created, changed or deleted (stored already), so work that runs
   * outside the job schedules (calendar subscriptions and rounds) starts or stops at once.
   */
  readonly connectorChanged?: (tenantId: string, instanceId: string) => void;
}

export const defineAdminEndpoint = endpointDefiner<AdminDeps>();
