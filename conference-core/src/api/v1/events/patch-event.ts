import { z } from 'zod';

import { defineEndpoint } from '../deps.js';
import {
  actorOf,
  descriptionSchema,
  etag,
  eventIdParams,
  eventJson,
  eventSchema,
  eventService,
  mutationOptions,
  mutationQuery,
  requireIfMatch,
  scheduling,
  titleSchema,
  zonedTimeSchema,
} from './event-support.js';
import { timesOf } from './event-times.js';

const patchSchema = z
  .strictObject({
    title: titleSchema.optional(),
    description: descriptionSchema.optional(),
    is_time_independent: z.boolean().optional().describe('A meeting without a time (no start or end)'),
    is_all_day: z.boolean().optional().describe('Whole days in the zone of starts_at'),
    starts_at: zonedTimeSchema.nullable().optional().describe('New start; null with is_time_independent'),
    ends_at: zonedTimeSchema.nullable().optional().describe('New end; null with is_time_independent'),
    recurrence_pattern: z
      .array(z.string().min(1).max(1000))
      .max(4)
      .optional()
      .describe('RRULE, RDATE and EXDATE lines, like RRULE:FREQ=WEEKLY;COUNT=10'),
    waiting_room: z.boolean().optional().describe('Whether participants wait until a moderator admits them'),
    password: z.string().min(1).max(255).nullable().optional().describe('The room password; null removes it'),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'expected at least one field to change');

export const patchEvent = defineEndpoint({
  operationId: 'patchEvent',
  method: 'patch',
  path: '/v1/events/{eventId}',
  summary: 'Change a meeting you created; send If-Match with its ETag',
  tags: ['events'],
  access: ['user'],
  params: eventIdParams,
  query: mutationQuery,
  body: patchSchema,
  responses: { 200: { description: 'The changed event with its new ETag', schema: eventSchema } },
  handle: async ({ principal, params, query, body, headers }, deps) => {
    const actor = actorOf(principal);
    const expected = requireIfMatch(headers, 'event');
    const event = await scheduling(() =>
      eventService(deps).update(
        actor,
        params.eventId,
        expected,
        {
          ...(body.title !== undefined && { title: body.title }),
          ...(body.description !== undefined && { description: body.description }),
          ...timesOf(body),
          ...(body.waiting_room !== undefined && { waitingRoom: body.waiting_room }),
          ...(body.password !== undefined && { password: body.password }),
        },
        mutationOptions(query),
      ),
    );
    return { status: 200, body: eventJson(event), headers: etag(event) };
  },
});
