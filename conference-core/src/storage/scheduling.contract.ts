import { afterAll, beforeAll, describe } from 'vitest';
import { silentLogger } from '../logging/logger.js';
import type { DatabaseHandle } from './database.js';
import { migrateToLatest } from './migrate.js';
import { describeEventWindowContract } from './scheduling-window.contract.js';
import { describeEventsContract } from './scheduling-events.contract.js';
import type { SchedulingContext } from './scheduling-fixtures.js';
import { describeIsolationContract } from './scheduling-isolation.contract.js';
import { describeOutboxContract } from './scheduling-outbox.contract.js';
import { describePeopleContract } from './scheduling-people.contract.js';
import { describeRoomsContract } from './scheduling-rooms.contract.js';
import { describeRoleMappingContract } from './role-mapping.contract.js';
import { describeSyncApplyContract } from './sync-apply.contract.js';
import { describeSyncStorageContract } from './sync-storage.contract.js';

/**
 * What the scheduling repositories must do the same way on every backend. `open` returns a handle
 * on a fresh database; the suite migrates it, shares it between all its tests (each makes its own
 * tenant, so they never see each other's rows) and closes it at the end.
 */
export function describeSchedulingContract(label: string, open: () => Promise<DatabaseHandle>): void {
  describe(`scheduling storage contract: ${label}`, () => {
    let handle: DatabaseHandle;
    beforeAll(async () => {
      handle = await open();
      await migrateToLatest(handle.db, silentLogger);
    });
    afterAll(async () => {
      await handle?.close();
    });

    const context: SchedulingContext = { db: () => handle.db, kind: () => handle.kind };
    describePeopleContract(context);
    describeRoomsContract(context);
    describeOutboxContract(context);
    describeEventsContract(context);
    describeEventWindowContract(context);
    describeSyncStorageContract(context);
    describeSyncApplyContract(context);
    describeIsolationContract(context);
    describeRoleMappingContract(context);
  });
}
