import { z } from 'zod';

import { parseInstanceId } from '../../../recurrence/index.js';
import { defineEndpoint } from '../deps.js';
import {
  actorOf,
  descriptionSchema,
  etag,
  eventService,
  instanceIdSchema,
  instanceJson,
  instanceSchema,
  mutationOptions,
  mutationQuery,
  requireIfMatch,
  scheduling,
  titleSchema,
  zonedTimeSchema,
} from './event-support.js';

export const patchEventInstance = defineEndpoint({
  operationId: 'patchEventInstance',
  method: 'patch',
  path: '/v1/events/{eventId}/instances/{instanceId}',
  summary:
    'Change, move or cancel one occurrence of a meeting series you created; send If-Match with its ETag',
  tags: ['events'],
  access: ['user'],
  params: z.object({ eventId: z.uuid().describe('The event id'), instanceId: instanceIdSchema }),
  query: mutationQuery,
  body: z
    .strictObject({
      title: titleSchema.optional(),
      description: descriptionSchema.optional(),
      starts_at: zonedTimeSchema.optional().describe('New start of this occurrence'),
      ends_at: zonedTimeSchema.optional().describe('New end of this occurrence'),
      status: z.literal('cancelled').optional().describe('cancelled: this occurrence does not take place'),
    })
    .refine((patch) => Object.keys(patch).length > 0, 'expected at least one field to change'),
  responses: {
    200: {
      description: 'The occurrence as it is now; the ETag is the event revision',
      schema: instanceSchema,
    },
  },
  handle: async ({ principal, params, query, body, headers }, deps) => {
    const expected = requireIfMatch(headers, 'occurrence');
    const instanceStart = parseInstanceId(params.instanceId);
    if (instanceStart === undefined) throw new Error('the schema let a malformed instance id through');
    const result = await scheduling(() =>
      eventService(deps).changeInstance(
        actorOf(principal),
        params.eventId,
        instanceStart,
        expected,
        {
          ...(body.title !== undefined && { title: body.title }),
          ...(body.description !== undefined && { description: body.description }),
          ...(body.starts_at !== undefined && { startsAt: new Date(body.starts_at.datetime) }),
          ...(body.ends_at !== undefined && { endsAt: new Date(body.ends_at.datetime) }),
          ...(body.status !== undefined && { status: body.status }),
        },
        mutationOptions(query),
      ),
    );
    return { status: 200, body: instanceJson(result.event, result.instance), headers: etag(result.event) };
  },
});
