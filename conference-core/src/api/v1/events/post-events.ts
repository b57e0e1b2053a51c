import { z } from 'zod';

import { defineEndpoint } from '../deps.js';
import { requirePermission } from '../users/require-permission.js';
import {
  actorOf,
  descriptionSchema,
  etag,
  eventJson,
  eventSchema,
  eventService,
  mutationOptions,
  mutationQuery,
  scheduling,
  titleSchema,
  zonedTimeSchema,
} from './event-support.js';
import { timesOf } from './event-times.js';

export const newEventSchema = z.strictObject({
  title: titleSchema,
  description: descriptionSchema.optional(),
  is_time_independent: z.boolean().optional().describe('A meeting without a time (no start or end)'),
  is_all_day: z.boolean().optional().describe('Whole days in the zone of starts_at'),
  is_adhoc: z.boolean().optional().describe('An instant meeting created on the fly'),
  starts_at: zonedTimeSchema.optional().describe('Start; required unless is_time_independent'),
  ends_at: zonedTimeSchema.optional().describe('End; required unless is_time_independent'),
  recurrence_pattern: z
    .array(z.string().min(1).max(1000))
    .max(4)
    .optional()
    .describe('RRULE, RDATE and EXDATE lines, like RRULE:FREQ=WEEKLY;COUNT=10'),
  waiting_room: z.boolean().optional().describe('Whether participants wait until a moderator admits them'),
  password: z.string().min(1).max(255).optional().describe("A password for the meeting's room"),
});

export const postEvents = defineEndpoint({
  operationId: 'postEvents',
  method: 'post',
  path: '/v1/events',
  summary: 'Schedule a meeting (with its own room)',
  tags: ['events'],
  access: ['user'],
  query: mutationQuery,
  body: newEventSchema,
  responses: { 201: { description: 'The new event; its ETag is its revision', schema: eventSchema } },
  handle: async ({ principal, query, body }, deps) => {
    requirePermission(principal, 'schedule');
    const actor = actorOf(principal);
    const event = await scheduling(() =>
      eventService(deps).create(
        actor,
        {
          title: body.title,
          ...(body.description !== undefined && { description: body.description }),
          ...timesOf(body),
          ...(body.waiting_room !== undefined && { waitingRoom: body.waiting_room }),
          ...(body.is_adhoc !== undefined && { isAdhoc: body.is_adhoc }),
          ...(body.password !== undefined && { password: body.password }),
        },
        mutationOptions(query),
      ),
    );
    return { status: 201, body: eventJson(event), headers: etag(event) };
  },
});
