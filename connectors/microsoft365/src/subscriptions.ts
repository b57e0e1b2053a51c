import { randomBytes, timingSafeEqual } from 'node:crypto';

import { ConnectorError } from '@vc/connector-sdk';
import type { CalendarPush, JsonValue, PushReceipt } from '@vc/connector-sdk';

import { graphFor } from './graph-context.js';
import { mailboxesInScope } from './mailboxes.js';
import type { Microsoft365Settings } from './settings.js';

/** One Graph subscription on a mailbox's events, as the hub stores it (the client state is a secret). */
interface Subscription {
  readonly id: string;
  readonly mailbox: string;
  readonly clientState: string;
  readonly expiresAt: string;
  /** When to renew: half-way through the lifetime Graph granted. */
  readonly renewAt: string;
  /** Set by a lifecycle event: `reauthorize` or `recreate` at the next maintenance. */
  readonly needs?: 'reauthorize' | 'recreate';
}

interface PushState {
  readonly subscriptions: Subscription[];
}

function parseState(value: JsonValue | null): PushState {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { subscriptions: [] };
  const list = value['subscriptions'];
  if (!Array.isArray(list)) return { subscriptions: [] };
  const subscriptions: Subscription[] = [];
  for (const s of list) {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) continue;
    const { id, mailbox, clientState, expiresAt, renewAt, needs } = s;
    if ([id, mailbox, clientState, expiresAt, renewAt].every((v) => typeof v === 'string')) {
      subscriptions.push({
        id: id as string,
        mailbox: mailbox as string,
        clientState: clientState as string,
        expiresAt: expiresAt as string,
        renewAt: renewAt as string,
        ...((needs === 'reauthorize' || needs === 'recreate') && { needs }),
      });
    }
  }
  return { subscriptions };
}

const toJson = (state: PushState): JsonValue => ({
  subscriptions: state.subscriptions.map((s) => ({ ...s })),
});

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

interface Notification {
  subscriptionId?: unknown;
  clientState?: unknown;
  lifecycleEvent?: unknown;
  changeType?: unknown;
}

/**
 * Graph change notifications for the mailboxes' events. Pushes are hints: each names a mailbox
 * whose delta round the hub then runs; the delta is the truth (a lost push is caught by the
 * schedule, a `missed` lifecycle event by an immediate round).
 */
export const graphPush: CalendarPush<Microsoft365Settings> = {
  handshake(query) {
    // Graph POSTs ?validationToken=... to each URL before it creates a subscription; the answer
    // is the decoded token as text/plain within 10 seconds.
    const token = query['validationToken'];
    return typeof token === 'string' && token.length > 0 && token.length <= 1024 ? token : null;
  },

  receive(stored, body): PushReceipt {
    const state = parseState(stored);
    const items = (body as { value?: unknown } | null)?.value;
    if (!Array.isArray(items)) return { changed: [], maintain: false, rejected: 1 };
    const changed = new Set<string>();
    let maintain = false;
    let rejected = 0;
    let subscriptions = state.subscriptions;
    for (const raw of items as Notification[]) {
      const subscription = subscriptions.find((s) => s.id === raw.subscriptionId);
      if (
        subscription === undefined ||
        typeof raw.clientState !== 'string' ||
        !sameSecret(raw.clientState, subscription.clientState)
      ) {
        rejected++; // not ours, or forged: ignore it (the caller still answers 202)
        continue;
      }
      switch (raw.lifecycleEvent) {
        case undefined:
          changed.add(subscription.mailbox);
          break;
        case 'missed':
          changed.add(subscription.mailbox);
          break;
        case 'reauthorizationRequired':
        case 'subscriptionRemoved': {
          const needs = raw.lifecycleEvent === 'subscriptionRemoved' ? 'recreate' : 'reauthorize';
          subscriptions = subscriptions.map((s) => (s.id === subscription.id ? { ...s, needs } : s));
          maintain = true;
          // Changes may have gone unnotified meanwhile.
          if (needs === 'recreate') changed.add(subscription.mailbox);
          break;
        }
        default:
          rejected++;
      }
    }
    return {
      changed: [...changed],
      maintain,
      rejected,
      ...(subscriptions !== state.subscriptions && { state: toJson({ subscriptions }) }),
    };
  },

  async maintain(ctx, stored, endpoint) {
    const graph = graphFor(ctx);
    const state = parseState(stored);
    const mailboxes = await mailboxesInScope(ctx, graph);
    const now = ctx.clock.now().getTime();
    const lifetimeMs = ctx.settings.subscriptionMinutes * 60_000;
    const expiry = () => new Date(ctx.clock.now().getTime() + lifetimeMs).toISOString();
    const renewAt = (expiresAt: string) => new Date(now + (Date.parse(expiresAt) - now) / 2).toISOString();
    const kept: Subscription[] = [];

    const create = async (mailbox: string): Promise<Subscription> => {
      const clientState = randomBytes(32).toString('base64url');
      const response = await graph.request(mailbox, '/subscriptions', {
        method: 'POST',
        body: {
          changeType: 'created,updated,deleted',
          notificationUrl: endpoint.notificationUrl,
          lifecycleNotificationUrl: endpoint.lifecycleUrl,
          resource: `/users/${mailbox}/events`,
          expirationDateTime: expiry(),
          clientState,
        },
      });
      const created = response.body as { id?: unknown; expirationDateTime?: unknown } | null;
      if (typeof created?.id !== 'string' || typeof created.expirationDateTime !== 'string') {
        throw new ConnectorError('invalid_data', 'Graph created a subscription without id or expiry');
      }
      return {
        id: created.id,
        mailbox,
        clientState,
        expiresAt: created.expirationDateTime,
        renewAt: renewAt(created.expirationDateTime),
      };
    };

    const outcomes = await Promise.allSettled(
      mailboxes.map(async (mailbox) => {
        const current = state.subscriptions.find((s) => s.mailbox === mailbox);
        try {
          if (current === undefined || current.needs === 'recreate' || Date.parse(current.expiresAt) <= now) {
            if (current !== undefined) await remove(current.id);
            kept.push(await create(mailbox));
            return;
          }
          if (current.needs === 'reauthorize') {
            await graph.request(mailbox, `/subscriptions/${encodeURIComponent(current.id)}/reauthorize`, {
              method: 'POST',
            });
          }
          if (current.needs !== undefined || Date.parse(current.renewAt) <= now) {
            const response = await graph.request(
              mailbox,
              `/subscriptions/${encodeURIComponent(current.id)}`,
              {
                method: 'PATCH',
                body: { expirationDateTime: expiry() },
              },
            );
            const renewed = (response.body as { expirationDateTime?: unknown } | null)?.expirationDateTime;
            const expiresAt = typeof renewed === 'string' ? renewed : current.expiresAt;
            kept.push({
              id: current.id,
              mailbox,
              clientState: current.clientState,
              expiresAt,
              renewAt: renewAt(expiresAt),
            });
            return;
          }
          kept.push(current);
        } catch (err) {
          // Graph forgot it (404) or it cannot be renewed: a new one replaces it.
          if (err instanceof ConnectorError && err.code === 'not_found') {
            kept.push(await create(mailbox));
            return;
          }
          throw err;
        }
      }),
    );
    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    if (failures.length > 0 && kept.length === 0) throw failures[0];
    if (failures.length > 0) {
      // Keep what worked (those subscriptions exist at Graph); the rest is tried at the next round.
      ctx.logger.warn(
        { failed: failures.length },
        'some mailboxes got no subscription; retrying at the next maintenance',
      );
    }
    // Subscriptions of mailboxes that left the scope are deleted.
    async function remove(id: string): Promise<void> {
      await graph
        .request(null, `/subscriptions/${encodeURIComponent(id)}`, { method: 'DELETE' })
        .catch((err: unknown) => {
          if (!(err instanceof ConnectorError && err.code === 'not_found')) throw err;
        });
    }
    for (const old of state.subscriptions) if (!mailboxes.includes(old.mailbox)) await remove(old.id);
    kept.sort((a, b) => a.mailbox.localeCompare(b.mailbox));
    return toJson({ subscriptions: kept });
  },

  nextMaintenance(stored) {
    const state = parseState(stored);
    if (state.subscriptions.length === 0) return null;
    const soonest = Math.min(...state.subscriptions.map((s) => Date.parse(s.renewAt)));
    return Number.isFinite(soonest) ? new Date(soonest) : null;
  },
};
