import { createEventService } from '../scheduling/event-service.js';
import { createCalendarFeedRepository } from '../storage/calendar-feed-repository.js';
import { createEventExceptionRepository } from '../storage/event-exception-repository.js';
import type { ScheduledEvent } from '../storage/event-repository.js';
import { MAX_PAGE_SIZE, type Db } from '../storage/repository-support.js';
import { createUserRepository } from '../storage/user-repository.js';
import { buildFeedCalendar } from './feed-calendar.js';
import { feedUrl, newFeedToken, parseFeedToken } from './feed-token.js';

const DAY = 86_400_000;
/** The feed shows meetings from 30 days back to 365 days ahead. */
const DAYS_BACK = 30;
const DAYS_AHEAD = 365;
/** At most this many events in one feed (a bound on the work one unauthenticated request causes). */
const MAX_FEED_EVENTS = 2_000;

export interface CalendarFeedServiceOptions {
  readonly db: Db;
  readonly now: () => Date;
  /** Where the hub is reached from outside: the base of feed and join URLs. */
  readonly publicUrl: string;
  readonly outboxWritten: () => void;
}

/**
 * A person's meetings as an iCalendar subscription. Calendar apps send no bearer token, so the
 * secret URL is the credential: only its hash is stored, a new one revokes the old, and an unknown
 * or revoked token, or a disabled account, reads as undefined (the API answers 404 alike).
 */
export function createCalendarFeedService(options: CalendarFeedServiceOptions) {
  const { db, now, publicUrl } = options;
  const feeds = createCalendarFeedRepository(db);
  return {
    /** A new secret feed URL (shown only once); undefined when the account is gone. */
    async issue(actor: { tenantId: string; userId: string }): Promise<string | undefined> {
      const { token, hash } = newFeedToken(actor.tenantId);
      const stored = await feeds.setTokenHash(actor.tenantId, actor.userId, hash);
      return stored ? feedUrl(publicUrl, token) : undefined;
    },

    /** False when there was no feed to revoke. */
    revoke: (actor: { tenantId: string; userId: string }): Promise<boolean> =>
      feeds.revoke(actor.tenantId, actor.userId),

    /** The calendar behind a feed token: the meetings its owner created or is invited to. */
    async render(token: string): Promise<string | undefined> {
      const parsed = parseFeedToken(token);
      if (parsed === undefined) return undefined;
      const { tenantId, hash } = parsed;
      const userId = await feeds.findUserByTokenHash(tenantId, hash);
      if (userId === undefined) return undefined;
      const user = await createUserRepository(db).findById(tenantId, userId);
      if (user === undefined || user.disabledAt !== null) return undefined;

      const at = now();
      const window = {
        from: new Date(at.getTime() - DAYS_BACK * DAY),
        to: new Date(at.getTime() + DAYS_AHEAD * DAY),
      };
      const actor = { tenantId, userId, ...(user.email !== '' && { email: user.email }) };
      const events = createEventService({ db, outboxWritten: options.outboxWritten });
      const found: ScheduledEvent[] = [];
      let cursor: string | undefined;
      do {
        const page = await events.list(actor, { ...window, cursor, limit: MAX_PAGE_SIZE });
        found.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== undefined && found.length < MAX_FEED_EVENTS);

      const shown = found.slice(0, MAX_FEED_EVENTS).filter((e) => !e.isTimeIndependent);
      const exceptions = await createEventExceptionRepository(db).listForEvents(
        tenantId,
        shown.filter((e) => e.recurrence.length > 0).map((e) => e.id),
      );
      return buildFeedCalendar({ events: shown, exceptions, publicUrl, now: at });
    },
  };
}

export type CalendarFeedService = ReturnType<typeof createCalendarFeedService>;
