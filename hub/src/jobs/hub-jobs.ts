import { jobType } from '@vc/conference-core';

/**
 * Every queue job of the hub, with its schedule ids and job ids, in one place (the core's own are
 * in `conference-core/src/jobs/job-ids.ts`): a job id written two ways is a job run twice, and a
 * schedule id written two ways is a schedule that cannot be removed.
 */

/** Runs (or resumes) one sync run; its lease in the database keeps it to one worker at a time. */
export const syncRunJob = jobType<{ tenantId: string; runId: string }>('sync.run');
/** A connector's repeat schedule fired: request a run (skipped while one is open). */
export const syncScheduledJob = jobType<{
  tenantId: string;
  instanceId: string;
  mode: 'full' | 'incremental';
}>('sync.scheduled');
/** Finds runs whose worker died (stale lease) or whose job got lost, and enqueues them again. */
export const syncSweepJob = jobType<{ at?: string }>('sync.sweep');
/** Deletes users that left their directory longer ago than the retention. */
export const syncHousekeepingJob = jobType<{ at?: string }>('sync.housekeeping');

/** Polls one calendar connector instance from its stored cursor (schedule, save, or by hand). */
export const calendarPollJob = jobType<{ tenantId: string; instanceId: string }>('calendar.poll');
/** A push hint named one appointment: fetch and apply it now (polling stays the truth). */
export const calendarFetchJob = jobType<{ tenantId: string; instanceId: string; externalId: string }>(
  'calendar.fetch',
);

/**
 * The job of one sync run. A re-enqueue by the recovery sweep (`fresh`) needs an id of its own:
 * the first job may still be retained as done, and the queue would drop a second with its id.
 */
export function syncRunJobId(runId: string, fresh: boolean): string {
  return fresh ? `sync-run-${runId}-${Date.now()}` : `sync-run-${runId}`;
}

/** Ids of repeating schedules (`JobQueue.schedule`). */
export const hubScheduleIds = {
  syncIncremental: (instanceId: string) => `sync-incremental-${instanceId}`,
  syncFull: (instanceId: string) => `sync-full-${instanceId}`,
  syncSweep: 'sync-sweep',
  syncHousekeeping: 'sync-housekeeping',
  calendarPoll: (instanceId: string) => `calendar-poll-${instanceId}`,
} as const;
