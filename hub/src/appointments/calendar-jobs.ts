import { jobType } from '@vc/conference-core';

/** Polls one calendar connector instance from its stored cursor (schedule, save, or by hand). */
export const calendarPollJob = jobType<{ tenantId: string; instanceId: string }>('calendar.poll');
/** A push hint named one appointment: fetch and apply it now (polling stays the truth). */
export const calendarFetchJob = jobType<{ tenantId: string; instanceId: string; externalId: string }>(
  'calendar.fetch',
);

export const calendarScheduleId = (instanceId: string) => `calendar-poll-${instanceId}`;
