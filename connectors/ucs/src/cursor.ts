import { ConnectorError, type JsonValue } from '@vc/connector-sdk';
import { z } from 'zod';

const generalizedTime = z.string().regex(/^\d{14}Z$/);
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

/**
 * Where a run stands. Paged-results cookies die with their connection, so the cursor never holds
 * one: a run reads the entryUUID space in ascending slices. Users stream page by page in the
 * server's order: `after` moves when a slice is complete (to its largest entryUUID), and `within`
 * says how far the slice in progress got. Groups are sorted, and their `after` is the last one
 * handed out. A resumed run continues exactly where the last applied batch ended.
 */
export const cursorSchema = z.object({
  v: z.literal(1),
  mode: z.enum(['full', 'incremental']),
  /** `listener`: an incremental run applying the listener's change files, before its LDAP read. */
  phase: z.enum(['listener', 'users', 'groups', 'done']),
  /** Users: largest entryUUID of the complete slices; groups: the last one handed out; null at the phase start. */
  after: uuid.nullable(),
  /**
   * Users: the slice in progress (its first hex digits), how many of its entries were handed out,
   * and an order-independent digest of their entryUUIDs (see slice-progress.ts). A resumed run
   * reads the slice again and skips that many entries only if they are the same ones; null
   * between slices and in other phases.
   */
  within: z
    .object({
      slice: z.string().regex(/^[0-9a-f]{0,2}$/),
      count: z.number().int().min(0),
      digest: z.string().regex(/^[0-9a-f]{16}$/),
    })
    .nullable()
    .default(null),
  /** Incremental lower bound (modifyTimestamp >= since); in a `done` cursor, the next run's bound. */
  since: generalizedTime.nullable(),
  /** Hub clock when the run began, as generalized time. */
  startedAt: generalizedTime,
  /** Largest modifyTimestamp seen so far in the run (reported in logs; not the watermark). */
  maxSeen: generalizedTime.nullable(),
  /**
   * Name of the last listener change file in an applied batch; carried by every later cursor, so
   * the next run continues after it and removes the files up to it (src/listener-files.ts).
   */
  listenerAfter: z
    .string()
    .regex(/^[^/\\]{1,255}\.json$/)
    .nullable()
    .default(null),
});
export type SyncCursor = z.infer<typeof cursorSchema>;

export function parseCursor(value: JsonValue | null): SyncCursor | null {
  if (value === null) return null;
  const parsed = cursorSchema.safeParse(value);
  if (!parsed.success) {
    throw new ConnectorError(
      'invalid_data',
      'the stored cursor is not a UCS connector cursor; start a full run',
    );
  }
  return parsed.data;
}

export function toGeneralizedTime(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

export function fromGeneralizedTime(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(value);
  if (m === null) throw new Error(`not a generalized time: ${value}`);
  return new Date(
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
  );
}

/** Server timestamps may carry fractions (`...Z` or `.123Z`); we keep whole seconds. */
export function wholeSeconds(value: string | undefined): string | null {
  const m = value === undefined ? null : /^(\d{14})(?:[.,]\d+)?Z$/.exec(value);
  return m === null ? null : `${m[1]}Z`;
}

/**
 * The watermark the next incremental run starts from: `overlap` before this run began (hub
 * clock). A change made while this run was reading is stamped after its start by the server's
 * clock, so as long as the two clocks differ by less than the overlap, nothing is missed; LDAP
 * timestamps have whole seconds, and re-reading a few unchanged users is harmless. It never
 * moves backwards. Not the newest modifyTimestamp seen: after a bulk import every entry carries
 * the same one, and each "unchanged" run would read them all again.
 */
export function nextWatermark(cursor: SyncCursor, overlapSeconds: number): string {
  const candidate = toGeneralizedTime(
    new Date(fromGeneralizedTime(cursor.startedAt).getTime() - overlapSeconds * 1000),
  );
  return cursor.since !== null && cursor.since > candidate ? cursor.since : candidate;
}
