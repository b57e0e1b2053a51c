import { defaultLimit, maxLimit } from './bounds.js';
import { instanceIdOf } from './instance-id.js';
import { scanStarts } from './scan.js';
import { compileSeries, endOf } from './series.js';
import type { CompiledSeries } from './series.js';
import type { ExpandOptions, Expansion, Occurrence, RecurringEvent, TimeWindow } from './types.js';

/**
 * The occurrences of `event` that overlap `window`, in order. At most `limit` are returned, and a
 * scan never covers more than the budget in `bounds.ts`; either cut sets `truncated`.
 * Throws InvalidRecurrenceError when the stored lines do not validate, RangeError for a bad window.
 */
export function expandInstances(
  event: RecurringEvent,
  window: TimeWindow,
  options: ExpandOptions = {},
): Expansion<Occurrence> {
  return expandCompiled(compileSeries(event), window, resolveLimit(options.limit));
}

/** True when `instanceStart` is exactly the original start of an occurrence (EXDATEs excluded). */
export function isOccurrence(event: RecurringEvent, instanceStart: Date): boolean {
  const at = instanceStart.getTime();
  if (!Number.isFinite(at)) return false;
  return scanStarts(compileSeries(event), at, at).starts.includes(at);
}

export function expandCompiled(
  series: CompiledSeries,
  window: TimeWindow,
  limit: number,
): Expansion<Occurrence> {
  const { instances, completeBeforeMs, toMs } = expandDetailed(series, window, limit);
  return { instances, truncated: completeBeforeMs < toMs };
}

/** Also says up to which original start the answer is whole (the first start left out, or the scan's end). */
export function expandDetailed(
  series: CompiledSeries,
  window: TimeWindow,
  limit: number,
): { instances: Occurrence[]; completeBeforeMs: number; fromMs: number; toMs: number } {
  const fromMs = checkedTime(window.from, 'from');
  const toMs = checkedTime(window.to, 'to');
  if (toMs <= fromMs) return { instances: [], completeBeforeMs: Number.POSITIVE_INFINITY, fromMs, toMs };
  const overlaps = (start: number): boolean => overlapsWindow(start, endOf(series, start), fromMs, toMs);
  const scan = scanStarts(series, fromMs - series.reachMs, toMs, { limit, counts: overlaps });
  const inWindow = scan.starts.filter(overlaps);
  const firstLeftOut = inWindow[limit];
  return {
    instances: inWindow.slice(0, limit).map((start) => occurrenceAt(series, start)),
    completeBeforeMs: firstLeftOut ?? scan.completeBeforeMs,
    fromMs,
    toMs,
  };
}

export function occurrenceAt(series: CompiledSeries, start: number): Occurrence {
  const originalStart = new Date(start);
  return {
    instanceId: instanceIdOf(originalStart),
    originalStart,
    startsAt: new Date(start),
    endsAt: new Date(endOf(series, start)),
  };
}

/**
 * Half-open overlap. An occurrence of no length is a point: it is in the window when it starts in
 * it, so a zero-minute reminder at `from` is listed and one at `to` is not.
 */
export function overlapsWindow(start: number, end: number, fromMs: number, toMs: number): boolean {
  if (end === start) return start >= fromMs && start < toMs;
  return start < toMs && end > fromMs;
}

export function resolveLimit(limit: number | undefined): number {
  if (limit === undefined) return defaultLimit;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a whole number of at least 1.`);
  return Math.min(limit, maxLimit);
}

function checkedTime(date: Date, name: string): number {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError(`window.${name} is not a valid date.`);
  return time;
}
