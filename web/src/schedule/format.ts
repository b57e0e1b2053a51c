import type { MeetingEvent, ZonedTime } from '../api/types.js';

/** "Thu, 3 Dec 2026, 10:00 – 11:00 (Europe/Berlin)" in the reader's language and the meeting's zone. */
export function formatMeetingTime(
  event: Pick<MeetingEvent, 'starts_at' | 'ends_at' | 'is_all_day'>,
  language: string,
  allDayText: string,
): string {
  if (event.starts_at === null) return '';
  const zone = event.starts_at.timezone;
  const start = new Date(event.starts_at.datetime);
  if (event.is_all_day) {
    return `${start.toLocaleDateString(language, { dateStyle: 'medium', timeZone: 'UTC' })} · ${allDayText}`;
  }
  const date = start.toLocaleDateString(language, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: zone,
  });
  const time = (at: ZonedTime | null): string =>
    at === null
      ? ''
      : new Date(at.datetime).toLocaleTimeString(language, {
          hour: '2-digit',
          minute: '2-digit',
          timeZone: zone,
        });
  return `${date}, ${time(event.starts_at)} – ${time(event.ends_at)} (${zone})`;
}
