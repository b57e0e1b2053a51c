import {
  createDialInRepository,
  createGuestLinkRepository,
  type Db,
  type ScheduledEvent,
} from '@vc/conference-core';
import type { MeetingAccess } from '@vc/connector-sdk';

/**
 * What an appointment gets written back: the join link, a guest link for external participants
 * (the room's usable one, else a new one) and the room's dial-in (assigned on first use; the same
 * numbers as GET /v1/rooms/{id}/sip, with the deployment's phone number).
 */
export async function meetingAccess(
  db: Db,
  event: Pick<ScheduledEvent, 'id' | 'tenantId' | 'roomId' | 'createdBy'>,
  options: { publicUrl: string; dialInNumber: string | null; now: Date },
): Promise<MeetingAccess> {
  const links = createGuestLinkRepository(db);
  const usable = (await links.listForRoom(event.tenantId, event.roomId)).find(
    (link) => link.active && (link.expiresAt === null || link.expiresAt.getTime() > options.now.getTime()),
  );
  let code = usable?.code;
  if (code === undefined) {
    const created = await links.create(event.tenantId, event.roomId, { createdBy: event.createdBy });
    code = created.ok ? created.link.code : undefined;
  }
  const dialIns = createDialInRepository(db);
  let dialIn = await dialIns.get(event.tenantId, event.roomId);
  if (dialIn === undefined) {
    const assigned = await dialIns.assign(event.tenantId, event.roomId, {});
    dialIn = assigned.ok || assigned.reason === 'already_assigned' ? assigned.dialIn : undefined;
  }
  return {
    eventId: event.id,
    joinUrl: `${options.publicUrl}/rooms/${event.roomId}`,
    guestUrl: code === undefined ? null : `${options.publicUrl}/invite/${code}`,
    dialIn:
      dialIn === undefined
        ? null
        : { number: options.dialInNumber, conferenceId: dialIn.conferenceId, pin: dialIn.pin },
  };
}
