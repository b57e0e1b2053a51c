import { z } from 'zod';

import { createUserService } from '../../../users/index.js';
import { ApiProblem } from '../../problem.js';
import { defineEndpoint } from '../deps.js';
import { languageSchema, timeZoneSchema, userProfile, userProfileSchema } from '../schemas.js';
import { requireUser } from './require-user.js';

/** What a person may change about themselves; email and names come from the identity provider. */
const patchSchema = z
  .strictObject({
    display_name: z.string().trim().min(1).max(100).optional().describe('How you are shown'),
    language: languageSchema.nullable().optional().describe('Language of your mails; null: the default'),
    time_zone: timeZoneSchema
      .nullable()
      .optional()
      .describe("Zone your mails show times in; null: the meeting's"),
    phone: z
      .string()
      .regex(/^\+?[0-9 ()/-]{3,30}$/, 'expected a phone number of digits, spaces and + ( ) / -')
      .nullable()
      .optional()
      .describe('Your phone number, to name you when you call in; null removes it'),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'expected at least one field to change');

export const patchUsersMe = defineEndpoint({
  operationId: 'patchUsersMe',
  method: 'patch',
  path: '/v1/users/me',
  summary: 'Change your display name, language, time zone or phone',
  tags: ['users'],
  access: ['user'],
  body: patchSchema,
  responses: { 200: { description: 'Your changed profile', schema: userProfileSchema } },
  handle: async ({ principal, body }, deps) => {
    const me = requireUser(principal);
    const user = await createUserService(deps).updateProfile(me, {
      ...(body.display_name === undefined ? {} : { displayName: body.display_name }),
      ...(body.language === undefined ? {} : { language: body.language }),
      ...(body.time_zone === undefined ? {} : { timeZone: body.time_zone }),
      ...(body.phone === undefined ? {} : { phone: body.phone }),
    });
    if (user === undefined) throw new ApiProblem({ status: 404, code: 'not_found', title: 'No such user' });
    return { status: 200, body: userProfile(user) };
  },
});
