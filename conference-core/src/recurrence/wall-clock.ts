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

/** Between two transitions a zone has one offset. */
interface Stretch {
  readonly start: number;
  readonly end: number;
  readonly offset: number;
}

/** What is known of one zone: its latest learned stretches (newest first) and its last miss. */
interface ZoneKnowledge {
  stretches: Stretch[];
  lastMiss: number;
}

/** Stretches kept per zone: a window query touches one or two; series reach a few years. */
const stretchesPerZone = 8;
/** The IANA database has about 600 zones; this bounds the cache against anything else. */
const maxZones = 1000;

/**
 * An offset is a fact of the zone, not of one series, so every clock of a zone shares what was
 * learned: a week listing that expands a hundred series in one zone learns its stretch once, not
 * once per series (decision 0032).
 */
const zones = new Map<string, ZoneKnowledge>();

function knowledgeOf(timeZone: string): ZoneKnowledge {
  let known = zones.get(timeZone);
  if (known === undefined) {
    if (zones.size >= maxZones) zones.clear();
    known = { stretches: [], lastMiss: Number.NEGATIVE_INFINITY };
    zones.set(timeZone, known);
  }
  return known;
}

/**
 * Going through Temporal costs about 25 µs per conversion, which dominated expanding thousands of
 * occurrences. Offsets only change at transitions (twice a year in most zones), so this remembers
 * the offset of the stretch between two transitions and answers with arithmetic inside it. Near a
 * transition, where gaps and repeated hours are, it asks Temporal, which applies the RFC rules.
 * Finding a stretch's transitions costs ~300 µs, so it is only done for misses close together: a
 * yearly series would pay it on every occurrence and never profit.
 */
export function wallClock(timeZone: string): WallClock {
  const known = knowledgeOf(timeZone);

  const offsetAt = (instantMs: number): number =>
    Temporal.Instant.fromEpochMilliseconds(instantMs).toZonedDateTimeISO(timeZone).offsetNanoseconds / 1e6;

  const missed = (instantMs: number): void => {
    const dense = Math.abs(instantMs - known.lastMiss) < denseMs;
    known.lastMiss = instantMs;
    if (!dense) return;
    const zoned = Temporal.Instant.fromEpochMilliseconds(instantMs).toZonedDateTimeISO(timeZone);
    const offset = zoned.offsetNanoseconds / 1e6;
    const end = zoned.getTimeZoneTransition('next')?.epochMilliseconds ?? Number.POSITIVE_INFINITY;
    const previous = zoned.getTimeZoneTransition('previous');
    // At a transition itself, 'previous' names the one before; then the stretch starts here.
    const start =
      previous === null
        ? Number.NEGATIVE_INFINITY
        : offsetAt(previous.epochMilliseconds) === offset
          ? previous.epochMilliseconds
          : instantMs;
    const others = known.stretches.filter((s) => s.end !== end);
    known.stretches = [{ start, end, offset }, ...others].slice(0, stretchesPerZone);
  };

  const wallIn = (instantMs: number): number | undefined => {
    for (const s of known.stretches)
      if (instantMs >= s.start && instantMs < s.end) return instantMs + s.offset;
    return undefined;
  };

  return {
    toInstant(wallMs) {
      for (const s of known.stretches) {
        const guess = wallMs - s.offset;
        // Another instant can share this wall time only within a transition's size (< 36 h) after
        // the stretch's start; after its end the guess is simply not in the stretch.
        if (guess >= s.start + zoneSlackMs && guess < s.end) return guess;
      }
      const wall = Temporal.Instant.fromEpochMilliseconds(wallMs).toZonedDateTimeISO('UTC').toPlainDateTime();
      const instant = wall.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
      missed(instant);
      return instant;
    },
    toWall(instantMs) {
      const known = wallIn(instantMs);
      if (known !== undefined) return known;
      missed(instantMs);
      return wallIn(instantMs) ?? instantMs + offsetAt(instantMs);
    },
  };
}
