import { z } from 'zod';

import type { Participant } from '../runtime/participant.js';
import type { Room } from '../runtime/room.js';

/** Display names: trimmed, 1 to 100 characters, no control characters. */
export const displayNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^\p{Cc}]*$/u, 'no control characters');

/** A participant id as handed out in `join_success` and `joined`. */
export const participantId = z.uuid();

/** The target participant (in the room or waiting), or undefined. */
export function findTarget(room: Room, id: string): Participant | undefined {
  return room.participants.get(id);
}

/** Fisher-Yates on a copy; `random` injectable for tests. */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
