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
    is_time_independent: z.boolean().optional(),
    is_all_day: z.boolean().optional(),
    starts_at: zonedTimeSchema.nullable().optional(),
    ends_at: zonedTimeSchema.nullable().optional(),
    recurrence_pattern: z.array(z.string().min(1).max(1000)).max(4).optional(),
    waiting_room: z.boolean().optional(),
    password: z.string().min(1).max(255).nullable().optional(),
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
