// Recurrence of meeting series: RRULE/RDATE/EXDATE validation, bounded expansion in time zones,
// per-occurrence exceptions and instance ids. Pure functions, no database, no clock.
export type {
  ExpandOptions,
  ExpandWithExceptionsOptions,
  Expansion,
  Instance,
  InstanceException,
  InstanceOverrides,
  NormalizedRecurrence,
  Occurrence,
  RecurrenceProblem,
  RecurrenceValidation,
  RecurringEvent,
  SeriesStart,
  TimeWindow,
} from './types.js';
export { validateRecurrence, maxRecurrenceLines } from './validate.js';
export { expandInstances, isOccurrence } from './expand.js';
export { expandWithExceptions } from './exceptions.js';
export { seriesEnd } from './series-end.js';
export { InvalidRecurrenceError } from './series.js';
export { instanceIdOf, parseInstanceId } from './instance-id.js';
export { isValidTimeZone } from './time-zone.js';
// Renamed so that a package-wide `export *` does not collide on generic names.
export {
  defaultLimit as defaultExpansionLimit,
  maxLimit as maxExpansionLimit,
  maxScanSteps,
  scanCandidateBudget,
} from './bounds.js';
export {
  maxCount as maxRecurrenceCount,
  maxInterval as maxRecurrenceInterval,
  maxStartsPerDay,
} from './rrule-parts.js';
