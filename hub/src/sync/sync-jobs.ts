import { jobType } from '@vc/conference-core';

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

export const scheduleIds = {
  incremental: (instanceId: string) => `sync-incremental-${instanceId}`,
  full: (instanceId: string) => `sync-full-${instanceId}`,
  sweep: 'sync-sweep',
  housekeeping: 'sync-housekeeping',
};
