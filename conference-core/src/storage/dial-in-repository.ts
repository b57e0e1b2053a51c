import { randomInt } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { allUuids, firstMissing, type Db } from './repository-support.js';
import type { DialInTable } from './schema.js';

/** How a phone caller reaches a room: dial the number, type the conference id, then the PIN. */
export interface DialIn {
  readonly roomId: string;
  readonly tenantId: string;
  /** Ten digits, unique across all tenants. */
  readonly conferenceId: string;
  /** Four to twelve digits. */
  readonly pin: string;
  /** Callers wait in the lobby until admitted. */
  readonly lobby: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface DialInSettings {
  /** Four to twelve digits; a random six-digit PIN when absent. */
  readonly pin?: string;
  readonly lobby?: boolean;
}

/** `length` random decimal digits. Injectable so tests can force a collision. */
export type RandomDigits = (length: number) => string;

export type AssignDialInResult =
  | { readonly ok: true; readonly dialIn: DialIn }
  | { readonly ok: false; readonly reason: 'room_not_found' }
  /** The room has dial-in already; it is left as it was (ids printed in invitations stay valid). */
  | { readonly ok: false; readonly reason: 'already_assigned'; readonly dialIn: DialIn };

export interface DialInRepository {
  get(tenantId: string, roomId: string): Promise<DialIn | undefined>;
  /** Gives the room a fresh random conference id, drawing again when one is taken. */
  assign(
    tenantId: string,
    roomId: string,
    settings: DialInSettings,
    randomDigits?: RandomDigits,
  ): Promise<AssignDialInResult>;
  /**
   * The one deliberate lookup across tenants: a phone caller has no tenant, only the conference
   * id they typed, and the id is unique system-wide. Whoever calls this must then act only
   * within the returned `tenantId` and must still check the PIN.
   */
  findByConferenceIdAcrossTenants(conferenceId: string): Promise<DialIn | undefined>;
  update(tenantId: string, roomId: string, settings: DialInSettings): Promise<DialIn | undefined>;
  delete(tenantId: string, roomId: string): Promise<boolean>;
}

export const CONFERENCE_ID_PATTERN = /^[0-9]{10}$/;
export const DIAL_IN_PIN_PATTERN = /^[0-9]{4,12}$/;
const DEFAULT_PIN_LENGTH = 6;
/** With 10^10 ids a second draw is already rare; eight taken in a row means a broken generator. */
const ASSIGN_ATTEMPTS = 8;

export const cryptoRandomDigits: RandomDigits = (length) =>
  Array.from({ length }, () => String(randomInt(10))).join('');

export function createDialInRepository(db: Db): DialInRepository {
  const get = async (tenantId: string, roomId: string): Promise<DialIn | undefined> => {
    if (!allUuids(tenantId, roomId)) return undefined;
    const row = await db
      .selectFrom('dial_in')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('room_id', '=', roomId)
      .executeTakeFirst();
    return row && toDialIn(row);
  };

  return {
    get,

    async assign(tenantId, roomId, settings, randomDigits = cryptoRandomDigits) {
      assertPin(settings.pin);
      const missing = await firstMissing(db, tenantId, [['room_not_found', 'rooms', roomId]]);
      if (missing) return { ok: false, reason: missing };
      const pin = settings.pin ?? randomDigits(DEFAULT_PIN_LENGTH);
      assertPin(pin);
      for (let attempt = 1; attempt <= ASSIGN_ATTEMPTS; attempt++) {
        const conferenceId = randomDigits(10);
        if (!CONFERENCE_ID_PATTERN.test(conferenceId)) {
          throw new RangeError(
            `the digit generator returned ${JSON.stringify(conferenceId)}, not ten digits`,
          );
        }
        // Both unique keys may conflict: the room (already assigned) or the conference id (taken).
        const row = await db
          .insertInto('dial_in')
          .values({
            room_id: roomId,
            tenant_id: tenantId,
            conference_id: conferenceId,
            pin,
            lobby: settings.lobby ?? false,
          })
          .onConflict((conflict) => conflict.doNothing())
          .returningAll()
          .executeTakeFirst();
        if (row) return { ok: true, dialIn: toDialIn(row) };
        const existing = await get(tenantId, roomId);
        if (existing) return { ok: false, reason: 'already_assigned', dialIn: existing };
      }
      throw new Error(
        `no free conference id in ${ASSIGN_ATTEMPTS} random draws; is the digit generator random?`,
      );
    },

    async findByConferenceIdAcrossTenants(conferenceId) {
      if (!CONFERENCE_ID_PATTERN.test(conferenceId)) return undefined;
      const row = await db
        .selectFrom('dial_in')
        .selectAll()
        .where('conference_id', '=', conferenceId)
        .executeTakeFirst();
      return row && toDialIn(row);
    },

    async update(tenantId, roomId, settings) {
      assertPin(settings.pin);
      if (!allUuids(tenantId, roomId)) return undefined;
      const row = await db
        .updateTable('dial_in')
        .set({
          ...(settings.pin !== undefined && { pin: settings.pin }),
          ...(settings.lobby !== undefined && { lobby: settings.lobby }),
          updated_at: sql<Date>`now()`,
        })
        .where('tenant_id', '=', tenantId)
        .where('room_id', '=', roomId)
        .returningAll()
        .executeTakeFirst();
      return row && toDialIn(row);
    },

    async delete(tenantId, roomId) {
      if (!allUuids(tenantId, roomId)) return false;
      const result = await db
        .deleteFrom('dial_in')
        .where('tenant_id', '=', tenantId)
        .where('room_id', '=', roomId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

function assertPin(pin: string | undefined): void {
  // Validated at the edge; failing here is a bug upstream.
  if (pin !== undefined && !DIAL_IN_PIN_PATTERN.test(pin)) {
    throw new RangeError('a dial-in PIN must be 4 to 12 digits');
  }
}

function toDialIn(row: Selectable<DialInTable>): DialIn {
  return {
    roomId: row.room_id,
    tenantId: row.tenant_id,
    conferenceId: row.conference_id,
    pin: row.pin,
    lobby: row.lobby,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
