import type { SyncEngine } from '../sync/sync-engine.js';
import type { AppointmentSync } from './appointment-sync.js';

/**
 * The engine the admin API sees: saving or removing a connector also sets or removes its calendar
 * poll schedule (a no-op for directory connectors), so the endpoints stay as they are.
 */
export function withAppointmentSchedules(engine: SyncEngine, calendars: AppointmentSync): SyncEngine {
  return {
    ...engine,
    async applySchedules(instance) {
      await engine.applySchedules(instance);
      await calendars.applySchedules(instance);
    },
    async removeSchedules(instanceId) {
      await engine.removeSchedules(instanceId);
      await calendars.removeSchedules(instanceId);
    },
  };
}
