// Shared by the tests of this folder only; not exported from index.ts.
import type { Expansion, Occurrence, RecurringEvent } from './types.js';

export function meeting(
  startsAt: string,
  endsAt: string,
  recurrence: readonly string[],
  timeZone = 'Europe/Berlin',
  isAllDay = false,
): RecurringEvent {
  return { startsAt: new Date(startsAt), endsAt: new Date(endsAt), recurrence, timeZone, isAllDay };
}

export function window(from: string, to: string): { from: Date; to: Date } {
  return { from: new Date(from), to: new Date(to) };
}

/** Starts as ISO strings: the easiest thing to compare with hand-computed instants. */
export function starts(expansion: Expansion<Occurrence>): string[] {
  return expansion.instances.map((instance) => instance.startsAt.toISOString());
}
