import { RRuleTemporal } from 'rrule-temporal';
import type { RRuleOptions } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';
import { libraryIterationCap, scanStepBudget, zoneSlackMs } from './bounds.js';
import { icalDateToEpochMs } from './ical-date.js';
import type { Frequency, RecurrenceRule } from './rrule-parts.js';
import type { RecurrenceProblem, RecurringEvent } from './types.js';
import { parseRecurrence } from './validate.js';
import { wallClock } from './wall-clock.js';
import type { WallClock } from './wall-clock.js';

/** Stored recurrence lines (or the event they belong to) that do not pass `validateRecurrence`. */
export class InvalidRecurrenceError extends Error {
  override readonly name = 'InvalidRecurrenceError';
  readonly code = 'invalid_recurrence';
  readonly problems: readonly RecurrenceProblem[];

  constructor(problems: readonly RecurrenceProblem[]) {
    super(`The recurrence is not valid: ${problems.map((p) => p.message).join(' ')}`);
    this.problems = problems;
  }
}

/**
 * The library expands in wall-clock time written as UTC ("floating" time). We resolve each
 * wall-clock start in the event's zone ourselves because rrule-temporal drops generated times that
 * fall into a DST gap (RFC 5545 3.3.10), while we follow 3.8.5.3/3.3.5 and move them forward by the
 * gap, as calendar clients do. In floating time there are no gaps, so nothing is dropped.
 */
export interface CompiledSeries {
  readonly timeZone: string;
  readonly clock: WallClock;
  readonly isAllDay: boolean;
  readonly firstStartMs: number;
  readonly firstWallMs: number;
  readonly durationMs: number;
  readonly durationDays: number;
  /** At least the length of any occurrence, to widen scans that look for overlaps. */
  readonly reachMs: number;
  readonly rule: CompiledRule | undefined;
  readonly rdatesMs: readonly number[];
  readonly exdatesMs: ReadonlySet<number>;
}

export interface CompiledRule {
  readonly freq: Frequency;
  readonly interval: number;
  readonly count: number | undefined;
  /** Periods one scan may cover (`scanStepBudget`). */
  readonly budgetSteps: number;
  /** Last wall-clock time UNTIL lets the library produce; undefined without UNTIL. */
  readonly untilWallMs: number | undefined;
  /** Exact bound on real starts for an UNTIL in UTC (checked after resolving); Infinity otherwise. */
  readonly untilMs: number;
  /** The library rule, optionally cut off at a wall-clock time to bound a COUNT scan. */
  create(stopAtWallMs?: number): RRuleTemporal;
}

export function compileSeries(event: RecurringEvent): CompiledSeries {
  const parsed = parseRecurrence(event.recurrence, event);
  if (!parsed.ok) throw new InvalidRecurrenceError(parsed.problems);
  const { timeZone, isAllDay } = event;
  const durationMs = event.endsAt.getTime() - event.startsAt.getTime();
  if (!(durationMs >= 0)) {
    throw new InvalidRecurrenceError([{ line: -1, message: 'The event ends before it starts.' }]);
  }

  // iCalendar has whole seconds; so do instance ids, which must round-trip to original starts.
  const exactStart = Temporal.Instant.fromEpochMilliseconds(
    Math.floor(event.startsAt.getTime() / 1000) * 1000,
  );
  const localStart = exactStart.toZonedDateTimeISO(timeZone);
  const firstWall = isAllDay ? localStart.toPlainDate().toPlainDateTime() : localStart.toPlainDateTime();
  const firstStartMs = isAllDay
    ? localStart.toPlainDate().toZonedDateTime(timeZone).epochMilliseconds
    : localStart.epochMilliseconds;
  const durationDays = isAllDay ? allDayLength(event, timeZone) : 0;
  const toMs = (date: Parameters<typeof icalDateToEpochMs>[0]): number => icalDateToEpochMs(date, timeZone);
  const { rule, rdates, exdates } = parsed.recurrence;
  return {
    timeZone,
    clock: wallClock(timeZone),
    isAllDay,
    firstStartMs,
    firstWallMs: wallMs(firstWall),
    durationMs: isAllDay ? 0 : durationMs,
    durationDays,
    reachMs: isAllDay ? durationDays * 25 * 3_600_000 : durationMs,
    rule: rule && compileRule(rule, firstWall, timeZone, isAllDay),
    rdatesMs: [...new Set(rdates.map(toMs))].sort((a, b) => a - b),
    exdatesMs: new Set(exdates.map(toMs)),
  };
}

/** Whole days from the first day to the last; an end inside a day counts that day. */
function allDayLength(event: RecurringEvent, timeZone: string): number {
  const start = Temporal.Instant.fromEpochMilliseconds(event.startsAt.getTime()).toZonedDateTimeISO(timeZone);
  const end = Temporal.Instant.fromEpochMilliseconds(event.endsAt.getTime()).toZonedDateTimeISO(timeZone);
  const days = start.toPlainDate().until(end.toPlainDate()).days;
  const partial = end.epochMilliseconds !== end.startOfDay().epochMilliseconds;
  return Math.max(1, days + (partial ? 1 : 0));
}

function compileRule(
  rule: RecurrenceRule,
  firstWall: Temporal.PlainDateTime,
  timeZone: string,
  isAllDay: boolean,
): CompiledRule {
  let untilWallMs: number | undefined;
  let untilMs = Number.POSITIVE_INFINITY;
  const until = rule.until;
  if (until?.kind === 'date') {
    // A date UNTIL includes its whole day (RFC 5545: UNTIL is inclusive).
    untilWallMs = wallMs(
      until.date.toPlainDateTime(isAllDay ? undefined : { hour: 23, minute: 59, second: 59 }),
    );
  } else if (until) {
    untilMs = icalDateToEpochMs(until, timeZone);
    const local = Temporal.Instant.fromEpochMilliseconds(untilMs)
      .toZonedDateTimeISO(timeZone)
      .toPlainDateTime();
    // Around a DST gap a later wall time can denote an earlier instant; the exact check comes after.
    untilWallMs = wallMs(local) + zoneSlackMs;
  }
  const budgetSteps = scanStepBudget(rule);
  const base: RRuleOptions = {
    freq: rule.freq,
    interval: rule.interval,
    dtstart: Temporal.Instant.fromEpochMilliseconds(wallMs(firstWall)).toZonedDateTimeISO('UTC'),
    tzid: 'UTC',
    // RFC 5545 3.8.5.3: DTSTART is the first instance even when the rule would not produce it.
    includeDtstart: true,
    maxIterations: libraryIterationCap(budgetSteps),
    ...(rule.count === undefined ? {} : { count: rule.count }),
    ...(rule.byMonth ? { byMonth: [...rule.byMonth] } : {}),
    ...(rule.byWeekNo ? { byWeekNo: [...rule.byWeekNo] } : {}),
    ...(rule.byYearDay ? { byYearDay: [...rule.byYearDay] } : {}),
    ...(rule.byMonthDay ? { byMonthDay: [...rule.byMonthDay] } : {}),
    ...(rule.byDay ? { byDay: [...rule.byDay] } : {}),
    ...(rule.byHour ? { byHour: [...rule.byHour] } : {}),
    ...(rule.byMinute ? { byMinute: [...rule.byMinute] } : {}),
    ...(rule.bySecond ? { bySecond: [...rule.bySecond] } : {}),
    ...(rule.bySetPos ? { bySetPos: [...rule.bySetPos] } : {}),
    ...(rule.wkst ? { wkst: rule.wkst } : {}),
  };
  return {
    freq: rule.freq,
    interval: rule.interval,
    count: rule.count,
    budgetSteps,
    untilWallMs,
    untilMs,
    create(stopAtWallMs) {
      const stop = Math.min(
        stopAtWallMs ?? Number.POSITIVE_INFINITY,
        untilWallMs ?? Number.POSITIVE_INFINITY,
      );
      if (stop === Number.POSITIVE_INFINITY) return new RRuleTemporal(base);
      return new RRuleTemporal({
        ...base,
        until: Temporal.Instant.fromEpochMilliseconds(stop).toZonedDateTimeISO('UTC'),
      });
    },
  };
}

/** A wall-clock date-time as the UTC epoch milliseconds the library works with. */
export function wallMs(dateTime: Temporal.PlainDateTime): number {
  return dateTime.toZonedDateTime('UTC').epochMilliseconds;
}

/** The real start of the occurrence the library produced at wall-clock time `wall`. */
export function resolveWall(series: CompiledSeries, wall: number): number {
  // All-day walls are midnights; the compatible reading of a midnight is the start of that day.
  return series.clock.toInstant(wall);
}

const dayMs = 86_400_000;

/** End of the occurrence starting at `startMs`: same length, or same number of local days. */
export function endOf(series: CompiledSeries, startMs: number): number {
  if (!series.isAllDay) return startMs + series.durationMs;
  const midnight = Math.floor(series.clock.toWall(startMs) / dayMs) * dayMs;
  return series.clock.toInstant(midnight + series.durationDays * dayMs);
}
