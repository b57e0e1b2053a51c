/** Seams for the system tests in tests/ (`@vc/<package>/testing`); never imported by production code. */

// Imported by the system tests in tests/ (they import packages, never other folders' files).
export { adminEndpoints } from '../admin-api/registry.js';
export { applyCalendarBatch } from '../calendar-sync/apply-calendar-batch.js';
export { calendarNotificationsRouter } from '../calendar-sync/calendar-notifications-route.js';
export { createCalendarSyncService } from '../calendar-sync/calendar-sync-service.js';
export { parseConfig } from '../config.js';
export { createConnectorRegistry } from '../connectors/registry.js';
export { devTokenClient, devTokenGrantType, readTokenCliSecret, startDevIdp } from '../dev-idp/index.js';
export type { StandaloneDevIdp } from '../dev-idp/index.js';
export { startHub } from '../hub.js';
export type { RunningHub } from '../hub.js';
export { runAdminCommand } from '../operator/admin-commands.js';
export { ensureOutlookAddinBuilt } from '../outlook-addin/build.js';
export { prepareSettings } from '../sync/connector-settings.js';
export { createPushPoller } from '../sync/push-poller.js';
export type { PushPoller } from '../sync/push-poller.js';
export { createSecretBox } from '../sync/secret-box.js';
export type { SecretBox } from '../sync/secret-box.js';
export { createSyncEngine } from '../sync/sync-engine.js';
export type { SyncEngine, SyncEngineOptions } from '../sync/sync-engine.js';
export { fakeConnector, fakeDirectory } from './fake-directory.js';
export { ensureWebClientBuilt, webClientDist } from '../web-client/build.js';
