import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { InProcessJobQueue } from '../jobs/in-process-job-queue.js';
import { jobType, type EnqueueOptions, type JobQueue } from '../jobs/job-queue.js';
import { silentLogger } from '../logging/logger.js';
import { openDatabase, type DatabaseHandle } from '../storage/database.js';
import { migrateToLatest } from '../storage/migrate.js';
import { createOutboxRepository } from '../storage/outbox-repository.js';
import { createTenantRepository } from '../storage/tenant-repository.js';
import { createOutboxDispatcher, type OutboxJobPayload } from './outbox-dispatcher.js';

let dir = '';
let database: DatabaseHandle;
let tenantId = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vc-outbox-'));
  database = await openDatabase({ dataDir: dir, logger: silentLogger });
  await migrateToLatest(database.db, silentLogger);
  tenantId = (await createTenantRepository(database.db).ensure({ slug: 'outbox', name: 'Outbox' })).tenant.id;
});
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

async function append(topic: string): Promise<number> {
  return database.db.transaction().execute(async (trx) => {
    const message = await createOutboxRepository(trx).append(trx, tenantId, {
      topic,
      aggregateId: randomUUID(),
      payload: { topic },
    });
    return message.id;
  });
}

async function undispatched(): Promise<number> {
  const row = await database.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('dispatched_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('the outbox dispatcher', () => {
  it('hands each committed message to every subscription naming its topic, once', async () => {
    const queue = new InProcessJobQueue({ logger: silentLogger });
    const mail = jobType<OutboxJobPayload>('test.mail');
    const calendar = jobType<OutboxJobPayload>('test.calendar');
    const seen: string[] = [];
    queue.register(mail, (p) => Promise.resolve(void seen.push(`mail ${p.topic} ${p.messageId}`)));
    queue.register(calendar, (p) => Promise.resolve(void seen.push(`calendar ${p.topic} ${p.messageId}`)));
    await queue.start();
    const dispatcher = createOutboxDispatcher({
      db: database.db,
      queue,
      logger: silentLogger,
      batchSize: 2,
      subscriptions: [
        { job: mail, topics: ['event.*', 'invite.added'] },
        { job: calendar, topics: ['event.updated'] },
      ],
    });
    const created = await append('event.created');
    const updated = await append('event.updated');
    const ignored = await append('room.created');
    const invited = await append('invite.added');

    expect(await dispatcher.dispatchPending()).toBe(4);
    expect(await dispatcher.dispatchPending()).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.sort()).toEqual(
      [
        `mail event.created ${created}`,
        `mail event.updated ${updated}`,
        `calendar event.updated ${updated}`,
        `mail invite.added ${invited}`,
      ].sort(),
    );
    expect(seen.join()).not.toContain(String(ignored) + ' ');
    expect(await undispatched()).toBe(0);
    await queue.close({ timeoutMs: 1000 });
  });

  it('keeps messages undispatched while the queue cannot take them, and delivers them once later', async () => {
    const inner = new InProcessJobQueue({ logger: silentLogger });
    let queueDown = true;
    // A queue that hangs like BullMQ does while Redis is away.
    const flaky: JobQueue = Object.assign(Object.create(inner) as JobQueue, {
      enqueue: (
        type: Parameters<JobQueue['enqueue']>[0],
        payload: OutboxJobPayload,
        options?: EnqueueOptions,
      ) => (queueDown ? new Promise<string>(() => undefined) : inner.enqueue(type, payload, options)),
    });
    const job = jobType<OutboxJobPayload>('test.flaky');
    const delivered: number[] = [];
    inner.register(job, (p) => Promise.resolve(void delivered.push(p.messageId)));
    await inner.start();
    const dispatcher = createOutboxDispatcher({
      db: database.db,
      queue: flaky,
      logger: silentLogger,
      enqueueTimeoutMs: 100,
      subscriptions: [{ job, topics: ['event.cancelled'] }],
    });
    const id = await append('event.cancelled');
    await expect(dispatcher.dispatchPending()).rejects.toThrow(/did not take the message/);
    expect(await undispatched()).toBe(1);

    queueDown = false;
    expect(await dispatcher.dispatchPending()).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(delivered).toEqual([id]);
    expect(await undispatched()).toBe(0);
    await inner.close({ timeoutMs: 1000 });
  });

  it('dispatches soon after wake() and by polling, and stops cleanly', async () => {
    const queue = new InProcessJobQueue({ logger: silentLogger });
    const job = jobType<OutboxJobPayload>('test.poll');
    const delivered: string[] = [];
    queue.register(job, (p) => Promise.resolve(void delivered.push(p.topic)));
    await queue.start();
    const dispatcher = createOutboxDispatcher({
      db: database.db,
      queue,
      logger: silentLogger,
      pollIntervalMs: 200,
      subscriptions: [{ job, topics: ['invite.*'] }],
    });
    dispatcher.start();
    await append('invite.added');
    dispatcher.wake();
    await append('invite.removed');
    await expect.poll(() => delivered.length, { timeout: 3000 }).toBe(2);
    await dispatcher.stop();
    await queue.close({ timeoutMs: 1000 });
  });
});
