// The public shapes of the recurrence module. Everything is plain data: Dates in, Dates out.

/** The part of an event that recurrence lines are checked against. */
export interface SeriesStart {
  /** Start of the first occurrence; for all-day events, its local date is what counts. */
  readonly startsAt: Date;
  /** IANA time zone the wall-clock times of the series are kept in. */
  readonly timeZone: string;
  readonly isAllDay: boolean;
}

/** A recurring event as the expander needs it; lines as stored (validated or not). */
export interface RecurringEvent extends SeriesStart {
  /** End of the first occurrence; every occurrence lasts as long (all-day: as many days). */
  readonly endsAt: Date;
  readonly recurrence: readonly string[];
}

/** Half-open: an occurrence is in it when it starts before `to` and ends after `from`. */
export interface TimeWindow {
  readonly from: Date;
  readonly to: Date;
}

export interface RecurrenceProblem {
  /** 0-based index of the offending line; -1 for the event's start or time zone. */
  readonly line: number;
  readonly message: string;
}

export interface NormalizedRecurrence {
  /** The lines in canonical form (upper case, fixed part order), ready to store. */
  readonly lines: readonly string[];
  /** True when the series ends (COUNT, UNTIL, or only RDATEs). */
  readonly isFinite: boolean;
}

export type RecurrenceValidation =
  | { readonly ok: true; readonly recurrence: NormalizedRecurrence }
  | { readonly ok: false; readonly problems: readonly RecurrenceProblem[] };

export interface Occurrence {
  /** `instanceIdOf(originalStart)`, e.g. `20240705T170242Z`. */
  readonly instanceId: string;
  /** Where the series put this occurrence; stays the same when an exception moves it. */
  readonly originalStart: Date;
  readonly startsAt: Date;
  readonly endsAt: Date;
}

export interface ExpandOptions {
  /** Most occurrences returned; default 500, at most 5000. */
  readonly limit?: number;
}

export interface Expansion<T> {
  /** In order of `startsAt`, then `originalStart`. */
  readonly instances: readonly T[];
  /**
   * True when the window holds more than was returned: the limit was reached, or the scan
   * budget ran out (see README). Everything returned is correct; some later items are missing.
   */
  readonly truncated: boolean;
}

/** A stored change to one occurrence, keyed by the occurrence's original start. */
export interface InstanceException {
  readonly instanceStart: Date;
  readonly kind: 'cancelled' | 'modified';
  readonly startsAt?: Date;
  readonly endsAt?: Date;
  readonly title?: string;
  readonly description?: string;
  readonly isAllDay?: boolean;
}

/** Fields an exception changes besides the time. */
export interface InstanceOverrides {
  readonly title?: string;
  readonly description?: string;
  readonly isAllDay?: boolean;
}

export interface Instance extends Occurrence {
  readonly status: 'scheduled' | 'cancelled';
  /** True when an exception applies to this occurrence (moved, changed or cancelled). */
  readonly isException: boolean;
  readonly overrides: InstanceOverrides;
}

export interface ExpandWithExceptionsOptions extends ExpandOptions {
  /** Keep cancelled occurrences, marked `status: 'cancelled'` (default); false drops them. */
  readonly includeCancelled?: boolean;
}
