import { z } from 'zod';

/**
 * The app's own messages on the AppWebsocket after login (the SDK leaves `mt` values to each
 * service). Every request may carry `src`; the answer is `<mt>Result` with the same `src`, carrying
 * either the result fields or `error` (a stable code) and `errorText`.
 */
const src = z.string().max(200).optional();
const meetingId = z.uuid();

export const appRequestSchema = z.discriminatedUnion('mt', [
  z.object({ mt: z.literal('MeetingsList'), src, limit: z.number().int().min(1).max(50).optional() }),
  z.object({ mt: z.literal('MeetingDetails'), src, id: meetingId }),
  z.object({ mt: z.literal('MeetingCreate'), src, title: z.string().trim().min(1).max(200).optional() }),
  z.object({
    mt: z.literal('MeetingInvite'),
    src,
    id: meetingId,
    /** The colleague's PBX user GUID (32 hex digits, as PbxTableUsers replicates it). */
    guid: z.string().regex(/^[0-9a-fA-F]{32}$/, 'a PBX user GUID (32 hex digits)'),
  }),
  z.object({ mt: z.literal('CallMeIn'), src, id: meetingId }),
]);
export type AppRequest = z.infer<typeof appRequestSchema>;
export type AppRequestType = AppRequest['mt'];
export const appRequestTypes = appRequestSchema.options.map((o) => o.shape.mt.value);

export const appErrorCodes = [
  'bad_request',
  'not_logged_in',
  'unknown_user',
  'not_found',
  'forbidden',
  'conflict',
  'unavailable',
  'rate_limited',
] as const;
export type AppErrorCode = (typeof appErrorCodes)[number];

/** An expected refusal the service answers with (`error`, `errorText`) instead of crashing. */
export class AppRequestError extends Error {
  override readonly name = 'AppRequestError';
  readonly code: AppErrorCode;
  constructor(code: AppErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** A meeting as the app shows it in its list. */
export interface MeetingSummary {
  readonly id: string;
  readonly title: string;
  /** ISO 8601, or null for a meeting without a time. */
  readonly startsAt: string | null;
  readonly endsAt: string | null;
  readonly joinUrl: string;
}

/** What "join by phone" needs: the number, the ids to key in, and a URI that carries them. */
export interface PhoneAccess {
  readonly number: string | null;
  readonly conferenceId: string;
  readonly pin: string;
  /**
   * One-step dialling into the room (decision 0024): the gateway reads `<id>*<pin>` from the
   * Request-URI user. `num` goes through the PBX route that strips the call-in prefix, `sip` straight
   * to the gateway's host; null when the connector has no route or host configured.
   */
  readonly directDial: { readonly num: string | null; readonly sip: string | null };
}

export interface MeetingDetails extends MeetingSummary {
  readonly guestUrl: string | null;
  readonly phone: PhoneAccess | null;
}
