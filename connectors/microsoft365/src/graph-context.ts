import type { ConnectorContext } from '@vc/connector-sdk';

import { GraphClient, mailboxConcurrency } from './graph-client.js';
import { KeyedLimiter } from './limiter.js';
import type { Microsoft365Settings } from './settings.js';
import { sharedTokenProvider } from './token-provider.js';

/**
 * One limiter per tenant and app across all runs in this process: a notification-driven run and
 * a scheduled run of the same mailbox share Graph's 4-request budget instead of doubling it.
 */
const limiters = new Map<string, KeyedLimiter>();

export function graphFor(ctx: ConnectorContext<Microsoft365Settings>): GraphClient {
  const { settings } = ctx;
  const key = `${settings.graphUrl} ${settings.tenantId} ${settings.clientId}`;
  let limiter = limiters.get(key);
  if (limiter === undefined) {
    limiter = new KeyedLimiter(mailboxConcurrency);
    limiters.set(key, limiter);
  }
  return new GraphClient({
    graphUrl: settings.graphUrl,
    tokens: sharedTokenProvider(settings, ctx.fetch),
    fetch: ctx.fetch,
    signal: ctx.signal,
    timeoutMs: settings.timeoutMs,
    maxRetryWaitMs: settings.maxRetryWaitMs,
    limiter,
  });
}
