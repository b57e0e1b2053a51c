import type { Frequency } from './rrule-parts.js';

// Every limit that keeps expansion finite lives here, so the README and the tests name one place.

export const defaultLimit = 500;
export const maxLimit = 5000;

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/**
 * Upper bound on the length of one period of each frequency. N steps of this length cover at least
 * N periods, which is what the library's work is proportional to.
 */
export const stepMs: Readonly<Record<Frequency, number>> = {
  YEARLY: 366 * dayMs,
  MONTHLY: 31 * dayMs,
  WEEKLY: 7 * dayMs,
  DAILY: dayMs,
  HOURLY: hourMs,
};

/** Most periods (times INTERVAL) one scan covers: ~1000, ~100, ~50, ~33 years; ~500 days. */
export const maxScanSteps: Readonly<Record<Frequency, number>> = {
  YEARLY: 1000,
  MONTHLY: 1200,
  WEEKLY: 2600,
  DAILY: 12_000,
  HOURLY: 12_000,
};

/**
 * Candidate date-times one scan may make the library evaluate. The library's cost follows the
 * candidates, not the matches: a weekly rule on all seven days that only matches in February costs
 * 7 candidates a week. About 8 µs each on its slow path, so a scan stays near 100 ms at worst.
 */
export const scanCandidateBudget = 12_000;

/** Candidates per period the rule can make, estimated from above. */
export interface RuleShape {
  readonly freq: Frequency;
  readonly byHour?: readonly number[] | undefined;
  readonly byMinute?: readonly number[] | undefined;
  readonly bySecond?: readonly number[] | undefined;
  readonly byDay?: readonly string[] | undefined;
  readonly byMonthDay?: readonly number[] | undefined;
  readonly byYearDay?: readonly number[] | undefined;
  readonly byWeekNo?: readonly number[] | undefined;
  readonly byMonth?: readonly number[] | undefined;
}

/** How many periods a scan may cover for this rule: the candidate budget, within `maxScanSteps`. */
export function scanStepBudget(rule: RuleShape): number {
  const hours = rule.freq === 'HOURLY' ? 1 : (rule.byHour?.length ?? 1);
  const slots = hours * (rule.byMinute?.length ?? 1) * (rule.bySecond?.length ?? 1);
  const picksDays = rule.byDay ?? rule.byMonthDay ?? rule.byYearDay ?? rule.byWeekNo;
  const days = {
    YEARLY: picksDays ? 366 : (rule.byMonth?.length ?? 1),
    MONTHLY: picksDays ? 31 : 1,
    WEEKLY: rule.byDay?.length ?? 1,
    DAILY: 1,
    HOURLY: 1,
  }[rule.freq];
  return Math.max(1, Math.min(maxScanSteps[rule.freq], Math.floor(scanCandidateBudget / (days * slots))));
}

/**
 * Candidates the first chunk of a window scan may hold (decision 0032): a week of a weekly or daily
 * rule in one library call instead of two or three, while a dense rule still starts at one period.
 */
export const firstChunkCandidates = 64;

/** Chunks of a window scan grow by doubling up to this, so dense rules stop early. */
export const maxChunkSteps = 4096;

/**
 * rrule-temporal throws once it advances this many periods in one call. Our chunks stay below it; it
 * is a second fence, sized from the scan budget (months are shorter than `stepMs` says).
 */
export function libraryIterationCap(budgetSteps: number): number {
  return Math.ceil(budgetSteps * 1.2) + 64;
}

/**
 * Wall-clock time and the instant it denotes differ by the zone's offset (-12 h to +14 h) plus a
 * DST shift of at most 2 h; scans in wall-clock time widen their bounds by this much.
 */
export const zoneSlackMs = 36 * hourMs;

/** iCalendar years have four digits; nothing is expanded past the end of 9999. */
export const lastWallClockMs = Date.UTC(9999, 11, 31, 23, 59, 59);
