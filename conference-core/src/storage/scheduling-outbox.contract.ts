import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely, type Transaction } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createMailRepository } from '../mail/mail-repository.js';
import { createCalendarFeedRepository } from './calendar-feed-repository.js';
import { createEventRepository } from './event-repository.js';
import { createOutboxRepository, type OutboxMessage } from './outbox-repository.js';
import { createRoomRepository } from './room-repository.js';
import {
  count,
  feedHash,
  newTenant,
  newUser,
  seedTenant,
  type SchedulingContext,
} from './scheduling-fixtures.js';
import type { DatabaseSchema } from './schema.js';

export function describeOutboxContract({ db, kind }: SchedulingContext): void {
  const feeds = () => createCalendarFeedRepository(db());

  describe('outbox', () => {
    it('keeps a message only when the transaction of its change commits', async () => {
      const tenantId = await newTenant(db());
      const [kept, lost] = [randomUUID(), randomUUID()];
      const rollback = db()
        .transaction()
        .execute(async (trx) => {
          await createOutboxRepository(trx).append(trx, tenantId, {
            topic: 'event.created',
            aggregateId: lost,
            payload: {},
          });
          throw new Error('the change failed');
        });
      await expect(rollback).rejects.toThrow('the change failed');
      await db()
        .transaction()
        .execute((trx) =>
          createOutboxRepository(trx).append(trx, tenantId, {
            topic: 'event.created',
            aggregateId: kept,
            payload: {},
          }),
        );
      const { rows } = await sql<{ aggregate_id: string }>`select aggregate_id from outbox
        where tenant_id = ${tenantId}`.execute(db());
      expect(rows).toEqual([{ aggregate_id: kept }]);
      const outside = db() as unknown as Transaction<DatabaseSchema>;
      await expect(
        createOutboxRepository(db()).append(outside, tenantId, {
          topic: 't',
          aggregateId: kept,
          payload: {},
        }),
      ).rejects.toThrow(/transaction of the change/);
    });

    it('claims undispatched messages in id order and dispatches each once', async () => {
      await drain(db());
      const [tenantA, tenantB] = [await newTenant(db()), await newTenant(db())];
      const appended = await db()
        .transaction()
        .execute(async (trx) => {
          const outbox = createOutboxRepository(trx);
          return [
            await outbox.append(trx, tenantA, {
              topic: 'event.created',
              aggregateId: randomUUID(),
              payload: [1, 'two'],
            }),
            await outbox.append(trx, tenantB, {
              topic: 'invite.added',
              aggregateId: randomUUID(),
              payload: { a: null },
            }),
            await outbox.append(trx, tenantA, {
              topic: 'event.updated',
              aggregateId: randomUUID(),
              payload: 'x',
            }),
          ];
        });
      const first = await claimAndDispatch(db(), 2);
      expect(first).toEqual(appended.slice(0, 2));
      expect(first.map((message) => message.tenantId)).toEqual([tenantA, tenantB]);
      expect(await claimAndDispatch(db(), 10)).toEqual(appended.slice(2));
      expect(await claimAndDispatch(db(), 10)).toEqual([]);
      expect(await createOutboxRepository(db()).markDispatched(appended.map((message) => message.id))).toBe(
        0,
      );
    });

    it('refuses to claim outside a transaction, where its locks would protect nothing', async () => {
      await expect(createOutboxRepository(db()).claimBatch(1)).rejects.toThrow(/must run on a transaction/);
    });

    it('lets two dispatchers at once take disjoint messages without waiting for each other', async (test) => {
      // PGlite has one session: its transactions cannot overlap, so only a server can show this.
      if (kind() !== 'postgres') test.skip();
      await drain(db());
      const tenantId = await newTenant(db());
      const ids = await db()
        .transaction()
        .execute(async (trx) => {
          const outbox = createOutboxRepository(trx);
          const out = [];
          for (let i = 0; i < 6; i++) {
            out.push(
              (await outbox.append(trx, tenantId, { topic: 't', aggregateId: randomUUID(), payload: i })).id,
            );
          }
          return out;
        });
      const finished: string[] = [];
      let firstClaimed!: () => void;
      const claimed = new Promise<void>((resolve) => (firstClaimed = resolve));
      let secondDone!: () => void;
      const secondFinished = new Promise<void>((resolve) => (secondDone = resolve));
      const first = db()
        .transaction()
        .execute(async (trx) => {
          const batch = await createOutboxRepository(trx).claimBatch(3);
          firstClaimed();
          // Holds its row locks until the second dispatcher is done, or gives up after 3 s.
          await Promise.race([secondFinished, sleep(3_000)]);
          await createOutboxRepository(trx).markDispatched(batch.map((message) => message.id));
          finished.push('first');
          return batch;
        });
      await claimed;
      const second = await db()
        .transaction()
        .execute(async (trx) => {
          const batch = await createOutboxRepository(trx).claimBatch(3);
          await createOutboxRepository(trx).markDispatched(batch.map((message) => message.id));
          finished.push('second');
          return batch;
        });
      secondDone();
      const firstBatch = await first;
      expect(finished).toEqual(['second', 'first']);
      expect(firstBatch.map((message) => message.id)).toEqual(ids.slice(0, 3));
      expect(second.map((message) => message.id)).toEqual(ids.slice(3));
    });
  });

  describe('mail records', () => {
    it('records a pass from its encoded bytes as the same text, once per Message-ID, and marks only pending mail sent', async () => {
      const { tenantId, event } = await seedTenant(db());
      const mail = createMailRepository(db());
      const message = (tag: string, raw: string) => ({
        messageId: `<${event.id}.1.invite.${tag}@example.org>`,
        eventId: event.id,
        kind: 'invite' as const,
        recipient: `${tag}@example.org`,
        subject: 'Einladung',
        sender: 'noreply@example.org',
        raw,
        bytes: Buffer.from(raw, 'utf8'),
      });
      const first = message('first', 'Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n\r\nGrüße, "alle" \\ {x}\r\n');
      const second = message('second', 'Subject: two\r\n\r\n'.padEnd(9000, 'b'));
      const recorded = await mail.recordPlans(
        tenantId,
        [{ outboxId: 41, messages: 3 }],
        [first, second, first],
      );
      expect(recorded.sort()).toEqual([first.messageId, second.messageId].sort());
      // Planned again (a sweep after a crash): nothing new, the first bytes stay.
      const again = { ...second, raw: 'changed', bytes: Buffer.from('changed') };
      expect(await mail.recordPlans(tenantId, [{ outboxId: 41, messages: 1 }], [again])).toEqual([]);
      const found = await mail.findMany(tenantId, [first.messageId, second.messageId]);
      expect(Object.fromEntries(found.map((d) => [d.messageId, d.raw]))).toEqual({
        [first.messageId]: first.raw,
        [second.messageId]: second.raw,
      });
      expect(await mail.isPlanned(tenantId, 41)).toBe(true);

      await mail.markDead(tenantId, second.messageId, '550 no such user');
      const sent = await mail.markSentMany(
        tenantId,
        [first.messageId, second.messageId, first.messageId],
        'smtp',
      );
      expect(sent).toEqual([first.messageId]);
      expect(await mail.markSentMany(tenantId, [first.messageId], 'smtp')).toEqual([]);
      const statuses = await mail.findStatuses(tenantId, [first.messageId, second.messageId]);
      expect(Object.fromEntries(statuses)).toEqual({ [first.messageId]: 'sent', [second.messageId]: 'dead' });
      expect((await mail.find(tenantId, first.messageId))?.attempts).toBe(1);
    });
  });

  describe('calendar feed tokens', () => {
    it('replaces a token so the old one stops working, and revokes it', async () => {
      const tenantId = await newTenant(db());
      const user = await newUser(db(), tenantId);
      const [oldHash, newHash] = [feedHash(), feedHash()];
      expect(await feeds().setTokenHash(tenantId, user.id, oldHash)).toBe(true);
      expect(await feeds().findUserByTokenHash(tenantId, oldHash)).toBe(user.id);
      expect(await feeds().setTokenHash(tenantId, user.id, newHash)).toBe(true);
      expect(await feeds().findUserByTokenHash(tenantId, oldHash)).toBeUndefined();
      expect(await feeds().findUserByTokenHash(tenantId, newHash)).toBe(user.id);
      expect(await feeds().revoke(tenantId, user.id)).toBe(true);
      expect(await feeds().findUserByTokenHash(tenantId, newHash)).toBeUndefined();
      expect(await feeds().revoke(tenantId, user.id)).toBe(false);
      expect(await feeds().setTokenHash(tenantId, randomUUID(), feedHash())).toBe(false);
      await expect(feeds().setTokenHash(tenantId, user.id, 'the-secret-itself')).rejects.toThrow(RangeError);
    });
  });

  describe('foreign keys', () => {
    it('deletes with a room its event, the exceptions and invites, its guest links and dial-in', async () => {
      const seeded = await seedTenant(db());
      const { tenantId } = seeded;
      expect(await createRoomRepository(db()).delete(tenantId, seeded.room.id)).toBe(true);
      for (const table of [
        'events',
        'event_exceptions',
        'event_invites',
        'guest_links',
        'dial_in',
      ] as const) {
        expect([table, await count(db(), table, tenantId)]).toEqual([table, 0]);
      }
      expect(await count(db(), 'users', tenantId)).toBe(2);
    });

    it('deletes with an event its exceptions and invites, and keeps its room', async () => {
      const seeded = await seedTenant(db());
      expect(await createEventRepository(db()).delete(seeded.tenantId, seeded.event.id)).toEqual({
        ok: true,
      });
      expect(await count(db(), 'event_exceptions', seeded.tenantId)).toBe(0);
      expect(await count(db(), 'event_invites', seeded.tenantId)).toBe(0);
      expect(await createRoomRepository(db()).findById(seeded.tenantId, seeded.room.id)).toEqual(seeded.room);
    });

    it('deletes with a user the identities, memberships, invitations and feed token, but not one owning rooms', async () => {
      const seeded = await seedTenant(db());
      const { tenantId } = seeded;
      const deleteUser = (id: string) => sql`delete from users where id = ${id}`.execute(db());
      await expect(deleteUser(seeded.owner.id)).rejects.toThrow(/foreign key/);
      await deleteUser(seeded.invitee.id);
      expect(await count(db(), 'event_invites', tenantId)).toBe(1); // the email invite stays
      expect(await count(db(), 'group_memberships', tenantId)).toBe(1);
      await createRoomRepository(db()).delete(tenantId, seeded.room.id);
      await deleteUser(seeded.owner.id);
      for (const table of ['user_identities', 'group_memberships', 'calendar_feed_tokens'] as const) {
        expect([table, await count(db(), table, tenantId)]).toEqual([table, 0]);
      }
    });
  });
}

async function claimAndDispatch(db: Kysely<DatabaseSchema>, limit: number): Promise<OutboxMessage[]> {
  return db.transaction().execute(async (trx) => {
    const outbox = createOutboxRepository(trx);
    const batch = await outbox.claimBatch(limit);
    await outbox.markDispatched(batch.map((message) => message.id));
    return batch;
  });
}

/** The outbox is shared by every tenant in the database: start each test from an empty one. */
async function drain(db: Kysely<DatabaseSchema>): Promise<void> {
  while ((await claimAndDispatch(db, 500)).length > 0);
}
