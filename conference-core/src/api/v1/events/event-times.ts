import type { EventTimes } from '../../../scheduling/event-service.js';
import { validationProblem } from '../../problem.js';

interface ZonedTime {
  readonly datetime: string;
  readonly timezone: string;
}

/** The time fields of a create or patch body, as the service takes them (absent stays absent). */
export function timesOf(body: {
  is_time_independent?: boolean | undefined;
  is_all_day?: boolean | undefined;
  starts_at?: ZonedTime | null | undefined;
  ends_at?: ZonedTime | null | undefined;
  recurrence_pattern?: string[] | undefined;
}): Partial<EventTimes> {
  const { starts_at: start, ends_at: end } = body;
  if (start && end && start.timezone !== end.timezone) {
    throw validationProblem([
      { field: 'body.ends_at.timezone', message: 'must be the time zone of the start' },
    ]);
  }
  const zone = start?.timezone ?? end?.timezone;
  return {
    ...(body.is_time_independent !== undefined && { isTimeIndependent: body.is_time_independent }),
    ...(body.is_all_day !== undefined && { isAllDay: body.is_all_day }),
    ...(start !== undefined && { startsAt: start === null ? null : new Date(start.datetime) }),
    ...(end !== undefined && { endsAt: end === null ? null : new Date(end.datetime) }),
    ...(zone !== undefined && { timeZone: zone }),
    ...(start === null && end === null && { timeZone: null }),
    ...(body.recurrence_pattern !== undefined && { recurrence: body.recurrence_pattern }),
  };
}
