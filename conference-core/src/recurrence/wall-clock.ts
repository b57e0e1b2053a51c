import { Temporal } from 'temporal-polyfill';
import { zoneSlackMs } from './bounds.js';

/** Converts between wall-clock time (written as UTC milliseconds) and instants in one zone. */
export interface WallClock {
  /**
   * The instant of a wall-clock time: one in a DST gap moves forward by the gap, one that occurs
   * twice takes the earlier offset (RFC 5545 3.3.5, Temporal's `compatible`).
   */
  toInstant(wallMs: number): number;
  toWall(instantMs: number): number;
}

/** Misses closer together than this are a dense series, for which learning a stretch pays off. */
const denseMs = 62 * 86_400_000;

/**
 * Going through Temporal costs about 25 µs per conversion, which dominated expanding thousands of
 * occurrences. Offsets only change at transitions (twice a year in most zones), so this remembers
 * the offset of the stretch between two transitions and answers with arithmetic inside it. Near a
 * transition, where gaps and repeated hours are, it asks Temporal, which applies the RFC rules.
 * Finding a stretch's transitions costs ~300 µs, so it is only done for misses close together: a
 * yearly series would pay it on every occurrence and never profit.
 */
export function wallClock(timeZone: string): WallClock {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  let offset = 0;
  let lastMiss = Number.NEGATIVE_INFINITY;

  const offsetAt = (instantMs: number): number =>
    Temporal.Instant.fromEpochMilliseconds(instantMs).toZonedDateTimeISO(timeZone).offsetNanoseconds / 1e6;

  const missed = (instantMs: number): void => {
    const dense = Math.abs(instantMs - lastMiss) < denseMs;
    lastMiss = instantMs;
    if (!dense) return;
    const zoned = Temporal.Instant.fromEpochMilliseconds(instantMs).toZonedDateTimeISO(timeZone);
    offset = zoned.offsetNanoseconds / 1e6;
    end = zoned.getTimeZoneTransition('next')?.epochMilliseconds ?? Number.POSITIVE_INFINITY;
    const previous = zoned.getTimeZoneTransition('previous');
    // At a transition itself, 'previous' names the one before; then the stretch starts here.
    if (previous === null) start = Number.NEGATIVE_INFINITY;
    else start = offsetAt(previous.epochMilliseconds) === offset ? previous.epochMilliseconds : instantMs;
  };

  return {
    toInstant(wallMs) {
      const guess = wallMs - offset;
      // Another instant can share this wall time only within a transition's size (< 36 h) after
      // the stretch's start; after its end the guess is simply not in the stretch.
      if (guess >= start + zoneSlackMs && guess < end) return guess;
      const wall = Temporal.Instant.fromEpochMilliseconds(wallMs).toZonedDateTimeISO('UTC').toPlainDateTime();
      const instant = wall.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
      missed(instant);
      return instant;
    },
    toWall(instantMs) {
      if (instantMs >= start && instantMs < end) return instantMs + offset;
      missed(instantMs);
      return instantMs + (instantMs >= start && instantMs < end ? offset : offsetAt(instantMs));
    },
  };
}
