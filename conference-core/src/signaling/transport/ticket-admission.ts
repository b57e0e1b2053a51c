import { z } from 'zod';

import type { JsonValue } from '../../json.js';
import type { Admission } from '../runtime/participant.js';

/** The ticket data the start endpoints write (conference-core/src/api/v1/rooms). */
const ticketDataSchema = z.object({
  tenant_id: z.uuid(),
  room_id: z.uuid(),
  participant: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('user'), user_id: z.uuid() }),
    z.object({ kind: z.literal('guest'), invite_code: z.string().min(1) }),
    z.object({ kind: z.literal('phone') }),
  ]),
  role: z.enum(['moderator', 'user', 'guest']),
  waiting_room: z.boolean(),
});

/** What a redeemed ticket admits; undefined when the data is not a ticket of ours. */
export function admissionFromTicket(data: JsonValue): Admission | undefined {
  const parsed = ticketDataSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const t = parsed.data;
  return {
    tenantId: t.tenant_id,
    roomId: t.room_id,
    kind: t.participant.kind,
    userId: t.participant.kind === 'user' ? t.participant.user_id : undefined,
    inviteCode: t.participant.kind === 'guest' ? t.participant.invite_code : undefined,
    role: t.role,
    waitingRoom: t.waiting_room,
  };
}
