import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMailRepository, type MailRepository } from '../mail/mail-repository.js';
import { createCalendarFeedRepository, type CalendarFeedRepository } from './calendar-feed-repository.js';
import { createDialInRepository, type DialInRepository } from './dial-in-repository.js';
import {
  createEventExceptionRepository,
  type EventExceptionRepository,
} from './event-exception-repository.js';
import { createEventRepository, type EventRepository } from './event-repository.js';
import { createGroupRepository, type GroupRepository } from './group-repository.js';
import { createGuestLinkRepository, type GuestLinkRepository } from './guest-link-repository.js';
import { createInviteRepository, type InviteRepository } from './invite-repository.js';
import { createOutboxRepository, type OutboxRepository } from './outbox-repository.js';
import { createRoomRepository, type RoomRepository } from './room-repository.js';
import {
  at,
  day,
  feedHash,
  monday,
  newRoom,
  seedTenant,
  tenantSnapshot,
  type SchedulingContext,
  type SeededTenant,
} from './scheduling-fixtures.js';
import type { DatabaseSchema } from './schema.js';
import { createUserRepository, type UserRepository } from './user-repository.js';
import { createDirectorySync, type DirectorySync } from '../sync/directory-sync.js';
import {
  createConnectorAuditRepository,
  type ConnectorAuditRepository,
} from './connector-audit-repository.js';
import {
  createConnectorInstanceRepository,
  type ConnectorInstanceRepository,
} from './connector-instance-repository.js';
import { createSyncRunRepository, type SyncRunRepository } from './sync-run-repository.js';

/**
 * A probe for every method of a repository (the mapped type makes a new method without one a
 * compile error): tenant B calls it with tenant A's ids, or with values A already uses, and must
 * see nothing, change nothing and learn nothing, not even through a "taken" outcome.
 */
type Probes<Repository> = { readonly [Method in keyof Repository]-?: () => Promise<void> };

export function describeIsolationContract({ db }: SchedulingContext): void {
  let a: SeededTenant;
  let b: SeededTenant;
  let B: string;

  /** Runs every probe, naming the method in a failure, and checks tenant A's rows stayed as they were. */
  const probeAll = async <Repository>(probes: Probes<Repository>) => {
    const before = await tenantSnapshot(db(), a.tenantId);
    for (const [method, probe] of Object.entries<() => Promise<void>>(probes)) {
      await probe().catch((error: unknown) => {
        if (error instanceof Error) error.message = `${method}: ${error.message}`;
        throw error;
      });
    }
    expect(await tenantSnapshot(db(), a.tenantId)).toEqual(before);
  };

  describe('tenant isolation', () => {
    beforeAll(async () => {
      [a, b] = [await seedTenant(db()), await seedTenant(db())];
      B = b.tenantId;
      await db()
        .transaction()
        .execute((trx) =>
          createOutboxRepository(trx).append(trx, a.tenantId, {
            topic: 'event.created',
            aggregateId: a.event.id,
            payload: {},
          }),
        );
      const mail = createMailRepository(db());
      await mail.record(a.tenantId, aMail(a.event.id, 'pending'));
      await mail.record(a.tenantId, aMail(a.event.id, 'dead'));
      await mail.markDead(a.tenantId, aMail(a.event.id, 'dead').messageId, '550 no such user');
      await mail.markPlanned(a.tenantId, 1, 1);
      await mail.record(a.tenantId, aMail(a.event.id, 'sent'));
      await mail.markSent(a.tenantId, aMail(a.event.id, 'sent').messageId, 'smtp');
      // A message the queue took whose mails were never planned.
      await db()
        .transaction()
        .execute(async (trx) => {
          const outbox = createOutboxRepository(trx);
          const message = await outbox.append(trx, a.tenantId, {
            topic: 'event.updated',
            aggregateId: a.event.id,
            payload: {},
          });
          await outbox.markDispatched([message.id]);
        });
    });

    it('users: another tenant finds, links, changes and searches nothing, and may reuse emails', async () => {
      const users = createUserRepository(db());
      await probeAll<UserRepository>({
        create: async () =>
          expect(await users.create(B, { email: a.owner.email, displayName: 'Twin' })).toMatchObject({
            ok: true,
          }),
        findById: async () => expect(await users.findById(B, a.owner.id)).toBeUndefined(),
        findManyByIds: async () => {
          const found = await users.findManyByIds(B, [a.owner.id, b.owner.id]);
          expect(found.map((user) => user.id)).toEqual([b.owner.id]);
        },
        findByEmail: async () => expect(await users.findByEmail(B, a.invitee.email)).toBeUndefined(),
        findByPhone: async () => expect(await users.findByPhone(B, '+49305550100', 2)).toEqual([]),
        findByIdentity: async () =>
          expect(await users.findByIdentity(B, a.identity.source, a.identity.externalId)).toBeUndefined(),
        linkIdentity: async () => {
          expect(await users.linkIdentity(B, a.owner.id, 'oidc', 'x')).toEqual({
            ok: false,
            reason: 'user_not_found',
          });
          const { source, externalId } = a.identity;
          expect(await users.linkIdentity(B, b.invitee.id, source, externalId)).toEqual({
            ok: true,
            created: true,
          });
        },
        listIdentities: async () => expect(await users.listIdentities(B, a.owner.id)).toEqual([]),
        update: async () => {
          expect(await users.update(B, a.owner.id, { displayName: 'Hijacked' })).toEqual({
            ok: false,
            reason: 'not_found',
          });
          expect(await users.update(B, b.invitee.id, { email: a.invitee.email })).toMatchObject({ ok: true });
        },
        search: async () => {
          const found = await users.search(B, 'Seeded', 50);
          expect(found.map((user) => user.id)).toEqual([b.owner.id]);
        },
        markLogin: async () => expect(await users.markLogin(B, a.owner.id, new Date())).toBeUndefined(),
        setDisabled: async () => expect(await users.setDisabled(B, a.owner.id, new Date())).toBeUndefined(),
      });
    });

    it('groups: another tenant changes no membership and sees no group, and may reuse names', async () => {
      const groups = createGroupRepository(db());
      await probeAll<GroupRepository>({
        upsert: async () => {
          expect(await groups.upsert(B, { name: a.group.name })).toMatchObject({ ok: true, created: true });
          const { source, externalId } = a.group;
          expect(await groups.upsert(B, { name: 'Other', source, externalId })).toMatchObject({
            created: true,
          });
        },
        setMembers: async () => {
          expect(await groups.setMembers(B, a.group.id, [b.owner.id])).toEqual({
            ok: false,
            reason: 'not_found',
          });
          expect(await groups.setMembers(B, b.group.id, [a.owner.id])).toMatchObject({
            ignoredUserIds: [a.owner.id],
          });
        },
        listMembers: async () => expect(await groups.listMembers(B, a.group.id)).toEqual([]),
        listForUser: async () => expect(await groups.listForUser(B, a.owner.id)).toEqual([]),
      });
    });

    it('rooms, guest links and dial-in: another tenant reaches none of them', async () => {
      const rooms = createRoomRepository(db());
      const links = createGuestLinkRepository(db());
      const dialIns = createDialInRepository(db());
      await probeAll<RoomRepository>({
        create: async () =>
          expect(await rooms.create(B, { ownerId: a.owner.id })).toEqual({
            ok: false,
            reason: 'owner_not_found',
          }),
        findById: async () => expect(await rooms.findById(B, a.room.id)).toBeUndefined(),
        update: async () =>
          expect(await rooms.update(B, a.room.id, { password: 'mine now' })).toBeUndefined(),
        delete: async () => expect(await rooms.delete(B, a.room.id)).toBe(false),
        listByOwner: async () =>
          expect(await rooms.listByOwner(B, a.owner.id, { limit: 10 })).toEqual({ items: [] }),
      });
      await probeAll<GuestLinkRepository>({
        create: async () => {
          const createdBy = b.owner.id;
          expect(await links.create(B, a.room.id, { createdBy })).toEqual({
            ok: false,
            reason: 'room_not_found',
          });
          expect(await links.create(B, b.room.id, { createdBy: a.owner.id })).toEqual({
            ok: false,
            reason: 'creator_not_found',
          });
        },
        listForRoom: async () => expect(await links.listForRoom(B, a.room.id)).toEqual([]),
        findByCode: async () =>
          expect(await links.findByCode(B, a.guestLink.code, new Date())).toBeUndefined(),
        // Deliberately across tenants: the code alone names its tenant and room.
        findByCodeAcrossTenants: async () =>
          expect((await links.findByCodeAcrossTenants(a.guestLink.code, new Date()))?.link).toEqual(
            a.guestLink,
          ),
        update: async () =>
          expect(await links.update(B, a.guestLink.code, { active: false })).toBeUndefined(),
        delete: async () => expect(await links.delete(B, a.guestLink.code)).toBe(false),
      });
      await probeAll<DialInRepository>({
        get: async () => expect(await dialIns.get(B, a.room.id)).toBeUndefined(),
        assign: async () =>
          expect(await dialIns.assign(B, a.room.id, {})).toEqual({ ok: false, reason: 'room_not_found' }),
        // The deliberate exception: a caller has only the conference id, and learns its tenant.
        findByConferenceIdAcrossTenants: async () =>
          expect(await dialIns.findByConferenceIdAcrossTenants(a.dialIn.conferenceId)).toEqual(a.dialIn),
        update: async () => expect(await dialIns.update(B, a.room.id, { pin: '0000' })).toBeUndefined(),
        delete: async () => expect(await dialIns.delete(B, a.room.id)).toBe(false),
      });
    });

    it('events, exceptions and invites: another tenant reaches none of them', async () => {
      const events = createEventRepository(db());
      const exceptions = createEventExceptionRepository(db());
      const invites = createInviteRepository(db());
      const freshRoom = await newRoom(db(), B, b.owner.id);
      await probeAll<EventRepository>({
        create: async () => {
          const event = { title: 'x', startsAt: monday, endsAt: at(1) };
          expect(await events.create(B, { ...event, roomId: a.room.id, createdBy: b.owner.id })).toEqual({
            ok: false,
            reason: 'room_not_found',
          });
          expect(await events.create(B, { ...event, roomId: freshRoom.id, createdBy: a.owner.id })).toEqual({
            ok: false,
            reason: 'creator_not_found',
          });
        },
        findById: async () => expect(await events.findById(B, a.event.id)).toBeUndefined(),
        findByRoom: async () => expect(await events.findByRoom(B, a.room.id)).toBeUndefined(),
        findMany: async () => {
          const found = await events.findMany(B, { ids: [a.event.id], roomIds: [a.room.id, b.room.id] });
          expect(found.map((event) => event.id)).toEqual([b.event.id]);
        },
        // not_found, never stale_revision: that would tell B the event exists.
        update: async () =>
          expect(await events.update(B, a.event.id, 1, { title: 'x' })).toEqual({
            ok: false,
            reason: 'not_found',
          }),
        delete: async () =>
          expect(await events.delete(B, a.event.id, 1)).toEqual({ ok: false, reason: 'not_found' }),
        listOverlapping: async () => {
          const window = { from: at(-day), to: at(30 * day), limit: 500, includeTimeIndependent: true };
          const all = await events.listOverlapping(B, window);
          expect(all.items.map((event) => event.id)).toEqual([b.event.id]);
          expect(await events.listOverlapping(B, { ...window, userId: a.owner.id })).toEqual({ items: [] });
        },
      });
      await probeAll<EventExceptionRepository>({
        upsert: async () =>
          expect(await exceptions.upsert(B, a.event.id, a.instanceStart, { kind: 'cancelled' })).toEqual({
            ok: false,
            reason: 'event_not_found',
          }),
        listForEvent: async () => expect(await exceptions.listForEvent(B, a.event.id)).toEqual([]),
        listForEvents: async () => {
          const listed = await exceptions.listForEvents(B, [a.event.id, b.event.id]);
          expect(listed.map((exception) => exception.eventId)).toEqual([b.event.id]);
        },
        delete: async () => expect(await exceptions.delete(B, a.event.id, a.instanceStart)).toBe(false),
      });
      const invite = (eventId: string, invitee: { userId: string } | { email: string }, createdBy: string) =>
        invites.add(B, eventId, { invitee, role: 'moderator', createdBy });
      await probeAll<InviteRepository>({
        add: async () => {
          expect(await invite(a.event.id, { userId: b.invitee.id }, b.owner.id)).toMatchObject({
            reason: 'event_not_found',
          });
          expect(await invite(b.event.id, { userId: a.invitee.id }, b.owner.id)).toMatchObject({
            reason: 'invitee_not_found',
          });
          expect(await invite(b.event.id, { email: 'n@example.org' }, a.owner.id)).toMatchObject({
            reason: 'creator_not_found',
          });
        },
        listForEvent: async () => expect(await invites.listForEvent(B, a.event.id)).toEqual([]),
        listForEvents: async () => {
          const listed = await invites.listForEvents(B, [a.event.id, b.event.id]);
          expect(listed.every((i) => i.eventId === b.event.id)).toBe(true);
        },
        updateRole: async () =>
          expect(
            await invites.updateRole(B, a.event.id, { userId: a.invitee.id }, 'moderator'),
          ).toBeUndefined(),
        updateStatus: async () =>
          expect(
            await invites.updateStatus(B, a.event.id, { email: a.inviteEmail }, 'accepted'),
          ).toBeUndefined(),
        remove: async () => {
          expect(await invites.remove(B, a.event.id, { userId: a.invitee.id })).toBe(false);
          expect(await invites.remove(B, a.event.id, { email: a.inviteEmail })).toBe(false);
        },
        listPendingForUser: async () => expect(await invites.listPendingForUser(B, a.invitee.id)).toEqual([]),
        claimEmailInvites: async () => {
          // B's own user cannot take A's address invite, nor can A's user be named from B.
          expect(await invites.claimEmailInvites(B, b.invitee.id, a.inviteEmail)).toBe(0);
          expect(await invites.claimEmailInvites(B, a.invitee.id, a.inviteEmail)).toBe(0);
        },
      });
    });

    it('mail deliveries: another tenant reads, finishes and plans none of them; the start-up sweep serves all tenants', async () => {
      const mail = createMailRepository(db());
      const pending = aMail(a.event.id, 'pending');
      await probeAll<MailRepository>({
        // B may hold a mail with the same Message-ID (keys start with the tenant); A's stays as it was.
        record: async () => expect(await mail.record(B, pending)).toBe(true),
        recordPlan: async () => {
          await mail.recordPlan(B, 1, [aMail(a.event.id, 'dead')]);
          expect((await mail.find(B, aMail(a.event.id, 'dead').messageId))?.status).toBe('pending');
        },
        recordPlans: async () => {
          await mail.recordPlans(B, [{ outboxId: 3, messages: 1 }], [aMail(a.event.id, 'dead')]);
          expect((await mail.find(B, aMail(a.event.id, 'dead').messageId))?.status).toBe('pending');
        },
        find: async () => expect(await mail.find(B, aMail(a.event.id, 'sent').messageId)).toBeUndefined(),
        findStatuses: async () =>
          expect((await mail.findStatuses(B, [aMail(a.event.id, 'sent').messageId])).size).toBe(0),
        findMany: async () =>
          expect(await mail.findMany(B, [aMail(a.event.id, 'sent').messageId, pending.messageId])).toEqual([
            expect.objectContaining({ tenantId: B, messageId: pending.messageId }),
          ]),
        // Only B's own copy of the pending Message-ID becomes sent (A's is checked at the end).
        markSentMany: async () =>
          expect(
            await mail.markSentMany(B, [pending.messageId, aMail(a.event.id, 'sent').messageId], 'smtp'),
          ).toEqual([pending.messageId]),
        recordFailure: async () => {
          await mail.recordFailure(B, aMail(a.event.id, 'dead').messageId, 'probe');
        },
        markSent: async () =>
          expect(await mail.markSent(B, aMail(a.event.id, 'sent').messageId, 'smtp')).toBe(false),
        markDead: async () =>
          expect(await mail.markDead(B, aMail(a.event.id, 'sent').messageId, 'probe')).toBe(false),
        listByStatus: async () => expect(await mail.listByStatus(B, 'dead', 100)).toEqual([]),
        markPlanned: async () => {
          await mail.markPlanned(B, 1, 0);
          expect(await mail.isPlanned(B, 1)).toBe(true);
        },
        isPlanned: async () => expect(await mail.isPlanned(B, 2)).toBe(false),
        // The sweep is system-wide by design; what it must get right is each mail's tenant.
        listUnfinished: async () => {
          const unfinished = await mail.listUnfinished(new Date(Date.now() + 60_000), 500);
          expect(
            unfinished.find((u) => u.messageId === pending.messageId && u.tenantId === a.tenantId),
          ).toBeDefined();
        },
        // Retention is system-wide by design: only old finished mail goes, whoever's it is.
        purgeFinished: async () => {
          expect(await mail.purgeFinished(new Date(0), 500)).toBe(0);
          expect((await mail.find(a.tenantId, aMail(a.event.id, 'sent').messageId))?.status).toBe('sent');
        },
        listUnplanned: async () => {
          const unplanned = await mail.listUnplanned(
            ['event.updated'],
            new Date(0),
            new Date(Date.now() + 60_000),
            500,
          );
          const mine = unplanned.filter((m) => m.aggregateId === a.event.id);
          expect(mine.map((m) => m.tenantId)).toEqual([a.tenantId]);
        },
      });
      // B's own copy of the Message-ID is B's: A still has its pending mail.
      expect((await mail.find(a.tenantId, pending.messageId))?.status).toBe('pending');
    });

    it('feed tokens and the outbox: another tenant reaches no token; dispatching serves all tenants', async () => {
      const feeds = createCalendarFeedRepository(db());
      await probeAll<CalendarFeedRepository>({
        setTokenHash: async () => expect(await feeds.setTokenHash(B, a.owner.id, feedHash())).toBe(false),
        findUserByTokenHash: async () =>
          expect(await feeds.findUserByTokenHash(B, a.feedHash)).toBeUndefined(),
        revoke: async () => expect(await feeds.revoke(B, a.owner.id)).toBe(false),
      });
      const rollback = new Error('roll back the probe');
      const inRolledBackTransaction = (
        work: (outbox: OutboxRepository, trx: Transaction<DatabaseSchema>) => Promise<void>,
      ) =>
        db()
          .transaction()
          .execute(async (trx) => {
            await work(createOutboxRepository(trx), trx);
            throw rollback;
          })
          .catch((error: unknown) => {
            if (error !== rollback) throw error;
          });
      await probeAll<OutboxRepository>({
        append: () =>
          inRolledBackTransaction(async (outbox, trx) => {
            const message = await outbox.append(trx, B, {
              topic: 't',
              aggregateId: randomUUID(),
              payload: null,
            });
            expect(message.tenantId).toBe(B);
          }),
        // The dispatcher is system-wide by design; what it must get right is each message's tenant.
        claimBatch: () =>
          inRolledBackTransaction(async (outbox) => {
            const claimed = await outbox.claimBatch(500);
            expect(claimed.find((message) => message.aggregateId === a.event.id)?.tenantId).toBe(a.tenantId);
          }),
        markDispatched: () =>
          inRolledBackTransaction(async (outbox) => {
            expect(await outbox.markDispatched([-1])).toBe(0);
          }),
      });
    });

    it('connectors, sync runs, the directory service and the audit log: another tenant reaches none of them', async () => {
      const instances = createConnectorInstanceRepository(db());
      const runs = createSyncRunRepository(db());
      const audit = createConnectorAuditRepository(db());
      const sync = createDirectorySync(db());
      const created = await instances.create(a.tenantId, {
        connectorType: 'fake',
        name: 'A directory',
        settings: {},
        secrets: { password: 'cipher' },
      });
      if (!created.ok) throw new Error('instance not created');
      const instance = created.instance;
      const started = await runs.create(a.tenantId, {
        instanceId: instance.id,
        mode: 'full',
        dryRun: false,
        trigger: 'manual',
        requestedBy: null,
      });
      if (!started.ok) throw new Error('run not created');
      const runId = started.run.id;
      await audit.append(a.tenantId, {
        instanceId: instance.id,
        actor: 'a-admin',
        action: 'instance.created',
      });
      await probeAll<ConnectorInstanceRepository>({
        create: async () =>
          expect(
            await instances.create(B, {
              connectorType: 'fake',
              name: 'A directory',
              settings: {},
              secrets: {},
            }),
          ).toMatchObject({ ok: true }),
        findById: async () => expect(await instances.findById(B, instance.id)).toBeUndefined(),
        list: async () => expect((await instances.list(B)).map((i) => i.id)).not.toContain(instance.id),
        update: async () =>
          expect(await instances.update(B, instance.id, { name: 'Hijacked' })).toEqual({
            ok: false,
            reason: 'not_found',
          }),
        delete: async () => expect(await instances.delete(B, instance.id)).toBe(false),
        // The scheduler is system-wide by design; each instance carries its tenant.
        listEnabledAcrossTenants: async () =>
          expect(
            (await instances.listEnabledAcrossTenants()).find((i) => i.id === instance.id)?.tenantId,
          ).toBe(a.tenantId),
      });
      await probeAll<SyncRunRepository>({
        create: async () =>
          expect(
            await runs.create(B, {
              instanceId: instance.id,
              mode: 'full',
              dryRun: false,
              trigger: 'manual',
              requestedBy: null,
            }),
          ).toEqual({ ok: false, reason: 'instance_not_found' }),
        findById: async () => expect(await runs.findById(B, runId)).toBeUndefined(),
        listForInstance: async () => expect(await runs.listForInstance(B, instance.id, 10)).toEqual([]),
        lastCompletedCursor: async () => expect(await runs.lastCompletedCursor(B, instance.id)).toBeNull(),
        claim: async () => expect(await runs.claim(B, runId, 'b-worker', 0)).toBeUndefined(),
        heartbeat: async () => expect(await runs.heartbeat(B, runId, 'b-worker')).toBe(false),
        release: async () => expect(await runs.release(B, runId, 'b-worker')).toBe(false),
        fail: async () => expect(await runs.fail(B, runId, null, 'x', 'y')).toBe(false),
        countError: async () => expect(await runs.countError(B, runId, 'b-worker')).toBeUndefined(),
        listSkipped: async () => expect(await runs.listSkipped(B, runId, 10)).toEqual([]),
        // The recovery sweep is system-wide by design; each run carries its tenant.
        listOpenAcrossTenants: async () =>
          expect((await runs.listOpenAcrossTenants(60_000)).find((r) => r.id === runId)?.tenantId).toBe(
            a.tenantId,
          ),
      });
      await probeAll<ConnectorAuditRepository>({
        append: async () =>
          expect(await audit.append(B, { instanceId: instance.id, actor: 'b', action: 'x' })).toMatchObject({
            tenantId: B,
          }),
        list: async () =>
          expect(await audit.list(B, { instanceId: instance.id, limit: 10 })).toMatchObject([
            { tenantId: B },
          ]),
      });
      const bLease = { tenantId: B, runId, owner: 'b-worker' };
      await probeAll<DirectorySync>({
        applyBatch: async () =>
          expect(
            await sync.applyBatch(bLease, { users: [], groups: [], deletes: [], skipped: [], cursor: 1 }),
          ).toEqual({ ok: false, reason: 'lease_lost' }),
        finishRun: async () =>
          expect(await sync.finishRun(bLease, null)).toEqual({ ok: false, reason: 'lease_lost' }),
        approveRun: async () =>
          expect(await sync.approveRun(B, runId, 'b')).toEqual({ ok: false, reason: 'not_found' }),
        rejectRun: async () =>
          expect(await sync.rejectRun(B, runId, 'b')).toEqual({ ok: false, reason: 'not_found' }),
        // Retention is system-wide by design; it touches only users a sync deactivated long ago.
        purgeDeactivated: async () =>
          expect(await sync.purgeDeactivated(new Date(0))).toEqual({ deleted: 0, kept: 0 }),
      });
      await runs.fail(a.tenantId, runId, null, 'test', 'done probing');
    });
  });
}

/** A recorded mail of an event, keyed like the mail service keys them. */
function aMail(eventId: string, tag: string) {
  return {
    messageId: `<${eventId}.1.invite.${tag}@example.org>`,
    eventId,
    kind: 'invite' as const,
    recipient: `${tag}@example.org`,
    subject: 'Invitation',
    sender: 'noreply@example.org',
    raw: 'Subject: Invitation\r\n\r\nhello\r\n',
  };
}
