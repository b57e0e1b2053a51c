import { z } from 'zod';

import { buildFeedCalendar } from '../../../calendar/index.js';
import { createCalendarFeedRepository } from '../../../storage/calendar-feed-repository.js';
import { createEventExceptionRepository } from '../../../storage/event-exception-repository.js';
import type { ScheduledEvent } from '../../../storage/event-repository.js';
import { MAX_PAGE_SIZE } from '../../../storage/repository-support.js';
import { createUserRepository } from '../../../storage/user-repository.js';
import { ApiProblem } from '../../problem.js';
import { defineEndpoint } from '../deps.js';
import { eventService } from '../events/event-support.js';
import { parseFeedToken } from './feed-token.js';

const DAY = 86_400_000;
/** The feed shows meetings from 30 days back to 365 days ahead. */
const DAYS_BACK = 30;
const DAYS_AHEAD = 365;
/** At most this many events in one feed (a bound on the work one unauthenticated request causes). */
const MAX_FEED_EVENTS = 2_000;

const notFound = () => new ApiProblem({ status: 404, code: 'not_found', title: 'No such calendar feed' });

/**
 * Your meetings as an iCalendar subscription for any calendar app. Calendar apps send no bearer
 * token: the secret `token` from `POST /v1/users/me/calendar_feed` is the credential. An unknown
 * or revoked token gets 404.
 */
export const getCalendarIcs = defineEndpoint({
  operationId: 'getCalendarIcs',
  method: 'get',
  path: '/v1/users/me/calendar.ics',
  summary: 'Your meetings as an iCalendar feed (authenticated by the secret feed token)',
  tags: ['users'],
  access: [],
  query: z.object({ token: z.string().min(1).max(200) }),
  responses: {
    200: {
      description: 'The meetings you created or are invited to, 30 days back to 365 days ahead',
      contentType: 'text/calendar',
    },
  },
  handle: async ({ query }, deps) => {
    const parsed = parseFeedToken(query.token);
    if (parsed === undefined) throw notFound();
    const { tenantId, hash } = parsed;
    const userId = await createCalendarFeedRepository(deps.db).findUserByTokenHash(tenantId, hash);
    if (userId === undefined) throw notFound();
    const user = await createUserRepository(deps.db).findById(tenantId, userId);
    if (user === undefined || user.disabledAt !== null) throw notFound();

    const now = deps.now();
    const window = {
      from: new Date(now.getTime() - DAYS_BACK * DAY),
      to: new Date(now.getTime() + DAYS_AHEAD * DAY),
    };
    const actor = { tenantId, userId, ...(user.email !== '' && { email: user.email }) };
    const service = eventService(deps);
    const events: ScheduledEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.list(actor, { ...window, cursor, limit: MAX_PAGE_SIZE });
      events.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined && events.length < MAX_FEED_EVENTS);

    const shown = events.slice(0, MAX_FEED_EVENTS).filter((e) => !e.isTimeIndependent);
    const exceptions = await createEventExceptionRepository(deps.db).listForEvents(
      tenantId,
      shown.filter((e) => e.recurrence.length > 0).map((e) => e.id),
    );
    const body = buildFeedCalendar({ events: shown, exceptions, publicUrl: deps.publicUrl, now });
    return {
      status: 200,
      body,
      headers: { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=300' },
    };
  },
});
