import { maxLimit } from './bounds.js';
import { expandDetailed, occurrenceAt, overlapsWindow, resolveLimit } from './expand.js';
import { scanStarts } from './scan.js';
import { compileSeries } from './series.js';
import type {
  ExpandWithExceptionsOptions,
  Expansion,
  Instance,
  InstanceException,
  InstanceOverrides,
  Occurrence,
  RecurringEvent,
  TimeWindow,
} from './types.js';

/**
 * The occurrences of `event` in `window` with the stored per-occurrence exceptions applied:
 * cancelled ones are marked (or dropped with `includeCancelled: false`), modified ones carry their
 * overrides and their new time, so an occurrence moved into the window from outside appears and one
 * moved out disappears. Exceptions for starts that are not occurrences of the series are ignored.
 * Ordered by the effective `startsAt`; limits and `truncated` as in `expandInstances`.
 */
export function expandWithExceptions(
  event: RecurringEvent,
  exceptions: readonly InstanceException[],
  window: TimeWindow,
  options: ExpandWithExceptionsOptions = {},
): Expansion<Instance> {
  const series = compileSeries(event);
  const limit = resolveLimit(options.limit);
  const includeCancelled = options.includeCancelled ?? true;
  const byStart = new Map<number, InstanceException>();
  for (const exception of exceptions) byStart.set(exception.instanceStart.getTime(), exception);

  // Room for occurrences that exceptions move away or drop, so the page still fills up.
  const base = expandDetailed(series, window, Math.min(maxLimit, limit + byStart.size));
  const { fromMs, toMs } = base;
  const seen = new Set<number>();
  const results: Instance[] = [];
  const add = (instance: Instance): void => {
    const start = instance.startsAt.getTime();
    if (!overlapsWindow(start, instance.endsAt.getTime(), fromMs, toMs)) return;
    if (instance.status === 'cancelled' && !includeCancelled) return;
    results.push(instance);
  };
  for (const occurrence of base.instances) {
    seen.add(occurrence.originalStart.getTime());
    add(withException(occurrence, byStart.get(occurrence.originalStart.getTime())));
  }
  // Occurrences whose original time is outside the window but whose new time is inside it.
  for (const [start, exception] of byStart) {
    if (seen.has(start) || exception.kind !== 'modified') continue;
    const moved = withException(occurrenceAt(series, start), exception);
    if (!overlapsWindow(moved.startsAt.getTime(), moved.endsAt.getTime(), fromMs, toMs)) continue;
    if (scanStarts(series, start, start).starts.includes(start)) add(moved);
  }

  // From the first original start the base left out, occurrences are unknown, and an item an
  // exception moved there could be jumping ahead of them; cut there and say so.
  const whole = results.filter((instance) => instance.startsAt.getTime() < base.completeBeforeMs);
  whole.sort(
    (a, b) =>
      a.startsAt.getTime() - b.startsAt.getTime() || a.originalStart.getTime() - b.originalStart.getTime(),
  );
  return {
    instances: whole.slice(0, limit),
    truncated: whole.length > limit || whole.length < results.length || base.completeBeforeMs < toMs,
  };
}

function withException(occurrence: Occurrence, exception: InstanceException | undefined): Instance {
  if (!exception) return { ...occurrence, status: 'scheduled', isException: false, overrides: {} };
  if (exception.kind === 'cancelled') {
    return { ...occurrence, status: 'cancelled', isException: true, overrides: {} };
  }
  const startsAt = exception.startsAt ?? occurrence.startsAt;
  // A new start without a new end keeps the occurrence's length.
  const length = occurrence.endsAt.getTime() - occurrence.startsAt.getTime();
  const endsAt = exception.endsAt ?? new Date(startsAt.getTime() + length);
  const overrides: InstanceOverrides = {
    ...(exception.title === undefined ? {} : { title: exception.title }),
    ...(exception.description === undefined ? {} : { description: exception.description }),
    ...(exception.isAllDay === undefined ? {} : { isAllDay: exception.isAllDay }),
  };
  return { ...occurrence, startsAt, endsAt, status: 'scheduled', isException: true, overrides };
}
