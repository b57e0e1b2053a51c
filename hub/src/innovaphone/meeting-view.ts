import { createDialInRepository, type Db, type EventService, type ScheduledEvent } from '@vc/conference-core';
import {
  phoneAccess,
  type InnovaphoneSettings,
  type MeetingDetails,
  type MeetingSummary,
} from '@vc/connector-innovaphone';

import { meetingAccess } from '../appointments/meeting-access.js';
import type { AppAccount } from './app-accounts.js';

export interface MeetingViewDeps {
  readonly db: Db;
  readonly events: EventService;
  readonly publicUrl: () => string;
  readonly dialInNumber: string | null;
  readonly now: () => Date;
}

const actorOf = (account: AppAccount) => ({
  tenantId: account.tenantId,
  userId: account.userId,
  email: account.email,
});

/** The next occurrence's times of a series (from now), or the event's own times. */
async function nextTimes(
  deps: MeetingViewDeps,
  account: AppAccount,
  event: ScheduledEvent,
  to: Date,
): Promise<{ startsAt: Date | null; endsAt: Date | null }> {
  if (event.recurrence.length === 0) return { startsAt: event.startsAt, endsAt: event.endsAt };
  const { instances } = await deps.events.instances(actorOf(account), event.id, { from: deps.now(), to }, 1);
  const next = instances[0];
  return next === undefined
    ? { startsAt: event.startsAt, endsAt: event.endsAt }
    : { startsAt: next.startsAt, endsAt: next.endsAt };
}

export async function summaryOf(
  deps: MeetingViewDeps,
  account: AppAccount,
  event: ScheduledEvent,
  to: Date,
): Promise<MeetingSummary> {
  const times = await nextTimes(deps, account, event, to);
  return {
    id: event.id,
    title: event.title,
    startsAt: times.startsAt?.toISOString() ?? null,
    endsAt: times.endsAt?.toISOString() ?? null,
    joinUrl: `${deps.publicUrl()}/rooms/${event.roomId}`,
  };
}

/**
 * Join link, dial-in and the direct-dial strings. The organizer's view is what a calendar gets
 * (meetingAccess: a guest link is made when the room has none); an invitee sees the room's dial-in
 * but never causes a guest link in someone else's room.
 */
export async function detailsOf(
  deps: MeetingViewDeps,
  account: AppAccount,
  event: ScheduledEvent,
  settings: InnovaphoneSettings,
): Promise<MeetingDetails> {
  const horizon = new Date(deps.now().getTime() + 366 * 86_400_000);
  const summary = await summaryOf(deps, account, event, horizon);
  let guestUrl: string | null = null;
  let dialIn: { number: string | null; conferenceId: string; pin: string } | null;
  if (event.createdBy === account.userId) {
    const access = await meetingAccess(deps.db, event, {
      publicUrl: deps.publicUrl(),
      dialInNumber: deps.dialInNumber,
      now: deps.now(),
    });
    guestUrl = access.guestUrl;
    dialIn = access.dialIn;
  } else {
    const dialIns = createDialInRepository(deps.db);
    let found = await dialIns.get(event.tenantId, event.roomId);
    if (found === undefined) {
      const assigned = await dialIns.assign(event.tenantId, event.roomId, {});
      found = assigned.ok || assigned.reason === 'already_assigned' ? assigned.dialIn : undefined;
    }
    dialIn =
      found === undefined
        ? null
        : { number: deps.dialInNumber, conferenceId: found.conferenceId, pin: found.pin };
  }
  return { ...summary, guestUrl, phone: dialIn === null ? null : phoneAccess(dialIn, settings) };
}
