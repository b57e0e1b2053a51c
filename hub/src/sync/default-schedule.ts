/**
 * The schedule a new connector gets unless its creator says otherwise (issue 17): without one a
 * connector made in the dashboard never synced by itself. Incremental runs are cheap (a watermark
 * read), so every five minutes; the full reconcile, which finds deletions, once a night at 02:30
 * in the worker's time zone, when directories and the hub are quiet. `null` turns either off.
 */
export const defaultSchedule = {
  incrementalEveryMs: 5 * 60_000,
  fullCron: '30 2 * * *',
} as const;
