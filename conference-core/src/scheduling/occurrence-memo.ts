import { expandWithExceptions } from '../recurrence/exceptions.js';
import type { InstanceException, RecurringEvent, TimeWindow } from '../recurrence/types.js';

/** Answers kept; each is a key of a few hundred bytes, so this stays within a few megabytes. */
const maxAnswers = 20_000;
const answers = new Map<string, boolean>();

/**
 * Whether a series has an occurrence that is not cancelled in `window`, remembered. The week
 * listing asks this for every series on its page (a full page of 100 series in the API bench's
 * million-event tenant), and each answer costs 0.2 to 0.4 ms, most of it rrule-temporal jumping
 * from DTSTART to the window. Calendars ask for the same week again and again, and every invitee of
 * a series asks the same question, so the answer is kept (decision 0032). The key is everything
 * the answer depends on (the series' times and lines, its exceptions' times, the window), never
 * the event's id: a changed series or exception is a new key, so nothing needs invalidating.
 * Least recently used answers leave first.
 */
export function hasOccurrenceIn(
  event: RecurringEvent,
  exceptions: readonly InstanceException[],
  window: TimeWindow,
): boolean {
  const key = keyOf(event, exceptions, window);
  const known = answers.get(key);
  if (known !== undefined) {
    // Re-inserted so the map's order is least recently used first.
    answers.delete(key);
    answers.set(key, known);
    return known;
  }
  const answer =
    expandWithExceptions(event, exceptions, window, { limit: 1, includeCancelled: false }).instances.length >
    0;
  answers.set(key, answer);
  if (answers.size > maxAnswers) {
    const oldest = answers.keys().next();
    if (oldest.done !== true) answers.delete(oldest.value);
  }
  return answer;
}

function keyOf(event: RecurringEvent, exceptions: readonly InstanceException[], window: TimeWindow): string {
  const time = (date: Date | undefined) => (date === undefined ? null : date.getTime());
  return JSON.stringify([
    time(event.startsAt),
    time(event.endsAt),
    event.timeZone,
    event.isAllDay,
    event.recurrence,
    time(window.from),
    time(window.to),
    // Titles and descriptions do not move an occurrence; times, kinds and all-day flags may.
    exceptions.map((x) => [
      time(x.instanceStart),
      x.kind,
      time(x.startsAt),
      time(x.endsAt),
      x.isAllDay ?? null,
    ]),
  ]);
}
