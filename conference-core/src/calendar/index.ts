export { buildFeedCalendar } from './feed-calendar.js';
export { createCalendarFeedService } from './feed-service.js';
export type { CalendarFeedService, CalendarFeedServiceOptions } from './feed-service.js';
export type { FeedInput } from './feed-calendar.js';
export { normalizedText, singleLine } from './ical-text.js';
export { icalInstant, localDateText, localDateTimeText, localFields } from './local-time.js';
export type { LocalFields } from './local-time.js';
export { recurrenceLines } from './recurrence-lines.js';
export { vtimezone, vtimezoneForYears } from './vtimezone.js';
