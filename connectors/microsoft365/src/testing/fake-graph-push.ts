import { randomUUID } from 'node:crypto';

import type { FakeEvent } from './fake-graph-store.js';

/**
 * Subscriptions and pushed notifications of the fake Graph (a FAKE built from the documented
 * webhook delivery: validationToken handshake within 10 s answered as text/plain, 3 s to
 * acknowledge, lifecycle events on the lifecycle URL).
 */
export interface FakeSubscription {
  id: string;
  resource: string;
  mailbox: string;
  changeType: string;
  clientState: string | null;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expirationDateTime: string;
  needsReauthorization: boolean;
}

export interface Delivery {
  readonly subscriptionId: string;
  readonly kind: 'change' | 'lifecycle';
  readonly what: string;
  readonly resourceId: string | null;
  /** performance.now() when the fake sent it, and Date.now() for logs. */
  readonly sentAt: number;
  status: number | 'timeout' | 'error' | 'pending';
}

export class FakeGraphPush {
  readonly subscriptions = new Map<string, FakeSubscription>();
  readonly deliveries: Delivery[] = [];
  readonly tenantId: string;
  /** What the last handshake got back, for tests of a failing endpoint. */
  lastHandshake: { url: string; status: number; contentType: string; body: string } | null = null;
  /** Sends (and their retries) still in flight, awaited by `settled`. */
  readonly #inFlight = new Set<Promise<void>>();
  retryDelaysMs: readonly number[] = [50, 200, 1000];

  constructor(tenantId: string) {
    this.tenantId = tenantId;
  }

  /** Graph's validation request: POST <url>?validationToken=<token>; ok only for an exact echo. */
  async handshake(url: string): Promise<boolean> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    const target = `${url}${url.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(token)}`;
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: '',
        signal: AbortSignal.timeout(10_000),
      });
      const body = await response.text();
      const contentType = response.headers.get('content-type') ?? '';
      this.lastHandshake = { url, status: response.status, contentType, body };
      return response.status === 200 && contentType.startsWith('text/plain') && body === token;
    } catch {
      this.lastHandshake = { url, status: 0, contentType: '', body: '' };
      return false;
    }
  }

  active(now = Date.now()): FakeSubscription[] {
    return [...this.subscriptions.values()].filter((s) => Date.parse(s.expirationDateTime) > now);
  }

  eventChanged(mailbox: string, event: FakeEvent, changeType: 'created' | 'updated' | 'deleted'): void {
    for (const s of this.active()) {
      if (s.mailbox !== mailbox || s.needsReauthorization || !s.changeType.split(',').includes(changeType))
        continue;
      const resource = `Users/${mailbox}/Events/${event.id}`;
      this.#send(s.notificationUrl, {
        subscriptionId: s.id,
        kind: 'change',
        what: changeType,
        resourceId: event.id,
        body: {
          value: [
            {
              subscriptionId: s.id,
              subscriptionExpirationDateTime: s.expirationDateTime,
              changeType,
              resource,
              resourceData: {
                '@odata.type': '#Microsoft.Graph.Event',
                '@odata.id': resource,
                '@odata.etag': `W/"${event.changeKey}"`,
                id: event.id,
              },
              clientState: s.clientState,
              tenantId: this.tenantId,
            },
          ],
        },
      });
    }
  }

  /** Sends a lifecycle event to the subscription's lifecycle URL. */
  lifecycle(id: string, lifecycleEvent: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'): void {
    const s = this.subscriptions.get(id);
    if (s === undefined || s.lifecycleNotificationUrl === null)
      throw new Error(`no subscription ${id} with a lifecycle URL`);
    if (lifecycleEvent === 'subscriptionRemoved') this.subscriptions.delete(id);
    if (lifecycleEvent === 'reauthorizationRequired') s.needsReauthorization = true;
    this.#send(s.lifecycleNotificationUrl, {
      subscriptionId: id,
      kind: 'lifecycle',
      what: lifecycleEvent,
      resourceId: null,
      body: {
        value: [
          {
            lifecycleEvent,
            subscriptionId: id,
            subscriptionExpirationDateTime: s.expirationDateTime,
            clientState: s.clientState,
            tenantId: this.tenantId,
          },
        ],
      },
    });
  }

  /** Sends one forged notification (wrong clientState) the way an attacker could. */
  forge(id: string, clientState: string): Promise<Response> {
    const s = this.subscriptions.get(id);
    if (s === undefined) throw new Error(`no subscription ${id}`);
    return fetch(s.notificationUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        value: [
          {
            subscriptionId: id,
            changeType: 'updated',
            resource: s.resource,
            clientState,
            tenantId: this.tenantId,
          },
        ],
      }),
    });
  }

  /** Resolves when every send (with its retries) has finished. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #send(
    url: string,
    message: {
      subscriptionId: string;
      kind: Delivery['kind'];
      what: string;
      resourceId: string | null;
      body: unknown;
    },
  ): void {
    const delivery: Delivery = {
      subscriptionId: message.subscriptionId,
      kind: message.kind,
      what: message.what,
      resourceId: message.resourceId,
      sentAt: performance.now(),
      status: 'pending',
    };
    this.deliveries.push(delivery);
    const attempt = async (): Promise<void> => {
      for (let i = 0; ; i++) {
        try {
          // Graph waits 3 s for the acknowledgement, then counts the delivery as failed.
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(message.body),
            signal: AbortSignal.timeout(3000),
          });
          await response.arrayBuffer();
          delivery.status = response.status;
          if (response.status < 300) return;
        } catch (err) {
          delivery.status = (err as Error).name === 'TimeoutError' ? 'timeout' : 'error';
        }
        const wait = this.retryDelaysMs[i];
        if (wait === undefined) return; // dropped, as Graph drops after its retry period
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    };
    const running = attempt().finally(() => this.#inFlight.delete(running));
    this.#inFlight.add(running);
  }
}
