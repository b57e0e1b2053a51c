import { z } from 'zod';

import { CONFERENCE_ID_PATTERN } from '../../../storage/dial-in-repository.js';
import { createUserService } from '../../../users/index.js';
import { ApiProblem } from '../../problem.js';
import { defineEndpoint } from '../deps.js';
import { checkSecret, issueTicket, roomService, sourceKey, startResponseSchema } from './room-support.js';

const refusal = 'unknown conference id or wrong PIN';

const callerSchema = z
  .strictObject({
    key: z
      .string()
      .min(1)
      .max(300)
      .describe(
        'Who calls, as the gateway sees it (SIP From user and source address); failures count per key',
      ),
    number: z
      .string()
      .regex(/^\+?[0-9]{1,20}$/, 'expected up to 20 digits, optionally after +')
      .optional()
      .describe('The calling number, to name the participant'),
  })
  .describe('The phone caller behind this request');

export const callInStartResponseSchema = startResponseSchema.extend({
  display_name: z
    .string()
    .describe('How the caller is shown: the one user with this number, or the masked number'),
});

/**
 * The SIP gateway joins a phone caller: it sends the conference id and PIN the caller typed and
 * gets a signaling ticket. Unknown ids and wrong PINs get the same answer and count against the
 * same limits, so ids cannot be probed. Every call arrives from the gateway's one address, so
 * failures count per caller (the gateway's `caller.key`) and per conference, not per address:
 * one caller guessing does not lock out the others (docs/decisions/0017).
 */
export const postCallInStart = defineEndpoint({
  operationId: 'postCallInStart',
  method: 'post',
  path: '/v1/services/call_in/start',
  summary: 'Get a signaling ticket for a phone caller (call-in service only)',
  tags: ['services'],
  access: ['service'],
  body: z.strictObject({
    id: z
      .string()
      .regex(CONFERENCE_ID_PATTERN, 'expected 10 digits')
      .describe('The conference id the caller typed'),
    pin: z
      .string()
      .regex(/^[0-9]{1,12}$/, 'expected up to 12 digits')
      .describe('The PIN the caller typed'),
    caller: callerSchema.optional(),
  }),
  responses: {
    200: { description: 'A single-use ticket and where to use it', schema: callInStartResponseSchema },
  },
  handle: async ({ principal, body, ip }, deps) => {
    if (principal?.kind !== 'service' || !principal.roles.includes('call-in')) {
      throw new ApiProblem({
        status: 403,
        code: 'forbidden',
        title: 'Not allowed',
        detail: 'Only a service holding the call-in role may start phone calls.',
      });
    }
    // Across tenants on purpose: one SIP gateway serves every tenant and its own token names
    // only its default tenant, while the caller typed nothing but the system-wide unique
    // conference id. From here on everything happens in the tenant of the dial-in found.
    const service = roomService(deps);
    const dialIn = await service.findDialInAcrossTenants(body.id);
    await checkSecret(
      deps,
      {
        source: body.caller === undefined ? sourceKey(ip) : `caller:${body.caller.key}`,
        target: `conference:${body.id}`,
      },
      body.pin,
      dialIn?.pin,
      refusal,
    );
    if (dialIn === undefined) throw new Error('unreachable: checkSecret refuses an unknown conference');
    const room = await service.find(dialIn.tenantId, dialIn.roomId);
    if (room === undefined) {
      throw new ApiProblem({ status: 401, code: 'unauthorized', title: 'Access denied', detail: refusal });
    }
    const answer = await issueTicket(
      {
        tenant_id: room.tenantId,
        room_id: room.id,
        participant: { kind: 'phone' },
        role: 'guest',
        waiting_room: dialIn.lobby || room.waitingRoom,
      },
      deps,
    );
    const number = body.caller?.number;
    const matches =
      number === undefined ? [] : await createUserService(deps).byPhone(room.tenantId, number, 2);
    const displayName = matches.length === 1 ? matches[0]!.displayName : maskNumber(number);
    return { status: 200, body: { ...answer, display_name: displayName } };
  },
});

/** `+4930123456789` -> `+4930 ••• 89`: enough to recognise a colleague, not to call back. */
export function maskNumber(number: string | undefined): string {
  if (number === undefined || number.replace('+', '').length < 6) return 'Phone';
  return `${number.slice(0, number.startsWith('+') ? 5 : 4)} ••• ${number.slice(-2)}`;
}
