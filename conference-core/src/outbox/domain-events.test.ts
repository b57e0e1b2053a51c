import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { domainEventSchemas, domainEventTopics, readDomainEvent } from './domain-events.js';
import { readOutboxJob } from './outbox-dispatcher.js';

const eventId = randomUUID();
const common = { event_id: eventId, revision: 2, actor_id: randomUUID(), suppress_email_notification: false };

describe('the domain event catalogue', () => {
  it('reads a well-formed payload back typed, and drops fields it does not know', () => {
    const read = readDomainEvent('invite.added', {
      ...common,
      invitee_user_id: null,
      email: 'guest@example.org',
      role: 'guest',
      unknown_field: 1,
    });
    expect(read).toEqual({
      ok: true,
      event: {
        topic: 'invite.added',
        payload: { ...common, invitee_user_id: null, email: 'guest@example.org', role: 'guest' },
      },
    });
    if (read.ok && read.event.topic === 'invite.added') expect(read.event.payload.role).toBe('guest');
  });

  it('names the fields that do not fit, and never throws', () => {
    const read = readDomainEvent('event.instance_changed', { ...common, revision: 'two', status: 'moved' });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error).toContain("malformed 'event.instance_changed' payload");
    expect(read.error).toMatch(/revision: /);
    expect(read.error).toMatch(/instance_start: /);
    expect(read.error).toMatch(/status: /);
    for (const junk of [null, 'text', 42, [], { event_id: 'not-a-uuid' }]) {
      expect(readDomainEvent('event.updated', junk).ok).toBe(false);
    }
  });

  it('refuses a topic it does not list', () => {
    expect(readDomainEvent('event.renamed', common)).toEqual({
      ok: false,
      error: "unknown domain event topic 'event.renamed'",
    });
    expect(readDomainEvent('__proto__', common).ok).toBe(false);
  });

  it('lists a schema for every topic, each carrying what every meeting event carries', () => {
    expect(domainEventTopics.sort()).toEqual(Object.keys(domainEventSchemas).sort());
    for (const topic of domainEventTopics) {
      expect(Object.keys(domainEventSchemas[topic].shape)).toEqual(
        expect.arrayContaining(['event_id', 'revision', 'actor_id', 'suppress_email_notification']),
      );
    }
  });

  it('reads a queued job back, and refuses one whose payload names another event than its row', () => {
    const job = {
      messageId: 7,
      tenantId: randomUUID(),
      topic: 'event.updated',
      aggregateId: eventId,
      payload: common,
      createdAt: new Date(0).toISOString(),
    };
    const read = readOutboxJob(job);
    expect(read.ok && read.message.event.topic).toBe('event.updated');
    const other = readOutboxJob({ ...job, aggregateId: randomUUID() });
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.error).toContain('names event');
  });
});
