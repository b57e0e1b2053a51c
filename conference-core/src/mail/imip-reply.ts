import type ICALModule from 'ical.js';

import { createEventRepository } from '../storage/event-repository.js';
import type { InviteStatus } from '../storage/invite-repository.js';
import { createInviteRepository } from '../storage/invite-repository.js';
import { appendDomainEvent } from '../outbox/append-domain-event.js';
import { allUuids, type Db } from '../storage/repository-support.js';

/** What an iMIP REPLY (RFC 6047) says: who answered what for which event. */
export interface ImipReply {
  readonly eventId: string;
  readonly attendee: string;
  readonly status: Exclude<InviteStatus, 'pending'>;
  readonly sequence: number;
}

export type ParsedReply = { ok: true; reply: ImipReply } | { ok: false; message: string };

const answers: Readonly<Record<string, ImipReply['status']>> = {
  ACCEPTED: 'accepted',
  DECLINED: 'declined',
  TENTATIVE: 'tentative',
};

/** ical.js is loaded on the first reply: few hubs take replies, every hub starts. */
let icalModule: Promise<typeof ICALModule> | undefined;

/** Reads a METHOD:REPLY object with exactly one attendee and a final answer; says why otherwise. */
export async function parseImipReply(text: string): Promise<ParsedReply> {
  const ICAL = await (icalModule ??= import('ical.js').then((m) => m.default));
  let root: ICALModule.Component;
  try {
    root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  } catch (error) {
    return {
      ok: false,
      message: `not an iCalendar object: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (root.name !== 'vcalendar') return { ok: false, message: 'expected a VCALENDAR' };
  const method = root.getFirstPropertyValue('method');
  if (typeof method !== 'string' || method.toUpperCase() !== 'REPLY') {
    return { ok: false, message: 'expected METHOD:REPLY' };
  }
  const event = root.getFirstSubcomponent('vevent');
  if (event === null) return { ok: false, message: 'expected a VEVENT' };
  const uid = event.getFirstPropertyValue('uid');
  if (typeof uid !== 'string' || uid === '') return { ok: false, message: 'the VEVENT has no UID' };
  const attendees = event.getAllProperties('attendee');
  if (attendees.length !== 1) return { ok: false, message: 'a REPLY names exactly one ATTENDEE' };
  const attendee = attendees[0];
  const value = attendee?.getFirstValue();
  const address = typeof value === 'string' ? value.replace(/^mailto:/i, '').trim() : '';
  if (!/^[^\s@]+@[^\s@]+$/.test(address))
    return { ok: false, message: 'the ATTENDEE is not a mailto: address' };
  const partstat = attendee?.getParameter('partstat');
  const status = typeof partstat === 'string' ? answers[partstat.toUpperCase()] : undefined;
  if (status === undefined) return { ok: false, message: 'PARTSTAT must be ACCEPTED, DECLINED or TENTATIVE' };
  const sequence = event.getFirstPropertyValue('sequence');
  return {
    ok: true,
    reply: { eventId: uid, attendee: address, status, sequence: typeof sequence === 'number' ? sequence : 0 },
  };
}

export type ApplyReplyResult =
  | { ok: true; inviteId: string; eventId: string; status: ImipReply['status'] }
  | { ok: false; reason: 'event_not_found' | 'not_invited' };

/**
 * Records the answer on the invite of that address (a registered user's email or an invite by
 * address) and appends `invite.status_changed`, in one transaction. A later answer wins, as in
 * the API: RFC 5546 lets an attendee change their mind.
 */
export async function applyImipReply(db: Db, tenantId: string, reply: ImipReply): Promise<ApplyReplyResult> {
  if (!allUuids(tenantId, reply.eventId)) return { ok: false, reason: 'event_not_found' };
  return db.transaction().execute(async (trx) => {
    const event = await createEventRepository(trx).findById(tenantId, reply.eventId);
    if (event === undefined) return { ok: false, reason: 'event_not_found' };
    const address = reply.attendee.toLowerCase();
    const invite = await trx
      .selectFrom('event_invites')
      .leftJoin('users', (join) =>
        join
          .onRef('users.id', '=', 'event_invites.invitee_user_id')
          .onRef('users.tenant_id', '=', 'event_invites.tenant_id'),
      )
      .select(['event_invites.invitee_user_id as userId', 'event_invites.email as email'])
      .where('event_invites.tenant_id', '=', tenantId)
      .where('event_invites.event_id', '=', reply.eventId)
      .where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['event_invites.email']), '=', address),
          eb(eb.fn('lower', ['users.email']), '=', address),
        ]),
      )
      .executeTakeFirst();
    if (invite === undefined) return { ok: false, reason: 'not_invited' };
    const invitee = invite.userId !== null ? { userId: invite.userId } : { email: invite.email ?? address };
    const updated = await createInviteRepository(trx).updateStatus(
      tenantId,
      reply.eventId,
      invitee,
      reply.status,
    );
    if (updated === undefined) return { ok: false, reason: 'not_invited' };
    await appendDomainEvent(trx, tenantId, {
      topic: 'invite.status_changed',
      payload: {
        event_id: reply.eventId,
        revision: event.revision,
        invitee_user_id: updated.inviteeUserId,
        email: updated.email,
        status: reply.status,
        actor_id: null,
        source: 'imip',
        suppress_email_notification: true,
      },
    });
    return { ok: true, inviteId: updated.id, eventId: reply.eventId, status: reply.status };
  });
}
