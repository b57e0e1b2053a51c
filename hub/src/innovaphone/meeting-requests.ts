import { SchedulingError } from '@vc/conference-core';
import {
  AppRequestError,
  type AppRequest,
  type AppRequestHandler,
  type InnovaphoneSettings,
  type VerifiedLogin,
} from '@vc/connector-innovaphone';

import { findAppAccount, userByGuid, type AppAccount } from './app-accounts.js';
import { detailsOf, summaryOf, type MeetingViewDeps } from './meeting-view.js';

/** How far ahead "my upcoming meetings" looks, and how far back a running meeting still shows. */
const AHEAD_MS = 14 * 86_400_000;
const RUNNING_MS = 4 * 3_600_000;

/** Places the RCC call for "call me into the meeting" (the PBX connection), when configured. */
export type CallMeIn = (
  account: AppAccount,
  target: { num: string | null; sip: string | null; number: string | null; dtmf: string },
) => Promise<{ call: string }>;

export interface MeetingRequestDeps extends MeetingViewDeps {
  readonly instance: { readonly tenantId: string; readonly id: string };
  readonly settings: InnovaphoneSettings;
  readonly callMeIn?: CallMeIn;
}

const actorOf = (account: AppAccount) => ({
  tenantId: account.tenantId,
  userId: account.userId,
  email: account.email,
});

/** The core's scheduling refusals as app errors (the text is the core's, meant for people). */
function translate(err: unknown): never {
  if (err instanceof SchedulingError) {
    switch (err.kind) {
      case 'not_found':
        throw new AppRequestError('not_found', 'No such meeting.');
      case 'forbidden':
        throw new AppRequestError('forbidden', err.message);
      case 'conflict':
        throw new AppRequestError('conflict', err.message);
      case 'invalid':
      case 'stale':
      case 'invalid_cursor':
        throw new AppRequestError('bad_request', err.message);
    }
  }
  throw err;
}

/**
 * The app's requests for one connector instance, answered through the core's event service as the
 * signed-in PBX user (same visibility rules as the REST API: own and invited meetings only).
 */
export function meetingRequests(deps: MeetingRequestDeps): AppRequestHandler<AppAccount> {
  const handle = async (account: AppAccount, request: AppRequest): Promise<Record<string, unknown>> => {
    const actor = actorOf(account);
    switch (request.mt) {
      case 'MeetingsList': {
        const now = deps.now();
        const to = new Date(now.getTime() + AHEAD_MS);
        const page = await deps.events.list(actor, {
          from: new Date(now.getTime() - RUNNING_MS),
          to,
          limit: request.limit ?? 20,
        });
        const meetings = await Promise.all(page.items.map((e) => summaryOf(deps, account, e, to)));
        meetings.sort((a, b) => (a.startsAt ?? '9999').localeCompare(b.startsAt ?? '9999'));
        return { meetings, user: { dn: account.displayName, sip: account.sip } };
      }
      case 'MeetingDetails': {
        const event = await deps.events.get(actor, request.id);
        return { meeting: await detailsOf(deps, account, event, deps.settings) };
      }
      case 'MeetingCreate': {
        const event = await deps.events.create(
          actor,
          {
            title: request.title ?? `${account.displayName}: meeting`,
            isAdhoc: true,
            isTimeIndependent: true,
          },
          { suppressEmailNotification: true },
        );
        return { meeting: await detailsOf(deps, account, event, deps.settings) };
      }
      case 'MeetingInvite': {
        const colleague = await userByGuid(deps.db, deps.instance, request.guid);
        if (colleague === undefined) {
          throw new AppRequestError('not_found', 'This PBX user is not synced to the meeting service yet.');
        }
        const invite = await deps.events.invite(
          actor,
          request.id,
          { invitee: colleague.id, role: 'user' },
          { suppressEmailNotification: false },
        );
        return { invited: { userId: invite.inviteeUserId, displayName: colleague.displayName } };
      }
      case 'CallMeIn': {
        if (deps.callMeIn === undefined) {
          throw new AppRequestError('unavailable', 'Calls through the PBX are not set up for this app.');
        }
        const event = await deps.events.get(actor, request.id);
        const { phone } = await detailsOf(deps, account, event, deps.settings);
        if (phone === null) throw new AppRequestError('unavailable', 'This meeting has no dial-in.');
        const placed = await deps.callMeIn(account, {
          ...phone.directDial,
          number: phone.number,
          dtmf: `${phone.conferenceId}#${phone.pin}#`,
        });
        return { call: placed.call };
      }
    }
  };
  return {
    signIn: (login: VerifiedLogin) => findAppAccount(deps.db, deps.instance, login),
    handle: (account, request) => handle(account, request).catch(translate),
  };
}
