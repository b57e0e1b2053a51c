import { randomUUID } from 'node:crypto';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createMailService,
  createTenantRepository,
  InProcessJobQueue,
  silentLogger,
  type MailTransport,
} from '@vc/conference-core';
import { createMailRepository } from '@vc/conference-core/testing';

import { openTestDatabase } from './support/sync-harness.js';

/**
 * Mail retention (MAIL_RETENTION_DAYS): sent and dead mail older than the retention leaves the
 * database, across tenants, in slices; pending mail never does, whatever its age.
 */
let database: Awaited<ReturnType<typeof openTestDatabase>>;
const noTransport: MailTransport = {
  kind: 'folder',
  send: () => Promise.reject(new Error('nothing is sent in this test')),
  close: () => Promise.resolve(),
};
const now = new Date('2031-06-01T12:00:00Z');
const day = 86_400_000;

beforeAll(async () => {
  database = await openTestDatabase('pglite');
});
afterAll(async () => {
  await database.remove();
});

async function mailAged(tenantId: string, tag: string, status: 'pending' | 'sent' | 'dead', ageDays: number) {
  const messageId = `<${randomUUID()}.${tag}@example.org>`;
  await createMailRepository(database.db).record(tenantId, {
    messageId,
    eventId: randomUUID(),
    kind: 'invite',
    recipient: `${tag}@example.org`,
    subject: 'Invitation',
    sender: 'noreply@example.org',
    raw: 'Subject: Invitation\r\n\r\nhello\r\n',
  });
  await sql`update mail_deliveries set status = ${status}, updated_at = ${new Date(now.getTime() - ageDays * day)}
    where tenant_id = ${tenantId}::uuid and message_id = ${messageId}`.execute(database.db);
  return messageId;
}

function service(retentionDays: number | undefined, queue = new InProcessJobQueue({ logger: silentLogger })) {
  return createMailService({
    db: database.db,
    queue,
    transport: noTransport,
    settings: { from: 'noreply@example.org', defaultLanguage: 'en', dialInNumber: null, productName: 'vc' },
    publicUrl: 'http://localhost',
    logger: silentLogger,
    now: () => now,
    ...(retentionDays !== undefined && { retentionDays }),
  });
}

describe('mail retention', () => {
  it('deletes sent and dead mail older than the retention in every tenant, keeps pending and recent mail', async () => {
    const tenants = createTenantRepository(database.db);
    const a = (await tenants.ensure({ slug: 'retention-a', name: 'A' })).tenant.id;
    const b = (await tenants.ensure({ slug: 'retention-b', name: 'B' })).tenant.id;
    const repo = createMailRepository(database.db);
    const oldSent = await mailAged(a, 'old-sent', 'sent', 31);
    const oldDead = await mailAged(b, 'old-dead', 'dead', 400);
    const oldPending = await mailAged(a, 'old-pending', 'pending', 400);
    const recentSent = await mailAged(b, 'recent-sent', 'sent', 29);
    // More than one slice of old mail: all of it goes.
    for (let i = 0; i < 1005; i++) await mailAged(a, `bulk${i}`, 'sent', 60);

    expect(await service(undefined).housekeeping()).toEqual({ deleted: 0 }); // off by default in the core
    expect(await service(0).housekeeping()).toEqual({ deleted: 0 });
    expect(await service(30).housekeeping()).toEqual({ deleted: 1007 });

    expect(await repo.find(a, oldSent)).toBeUndefined();
    expect(await repo.find(b, oldDead)).toBeUndefined();
    expect((await repo.find(a, oldPending))?.status).toBe('pending');
    expect((await repo.find(b, recentSent))?.status).toBe('sent');
    expect(await service(30).housekeeping()).toEqual({ deleted: 0 });
  });

  it('schedules itself hourly when on and removes the schedule when off', async () => {
    const queue = new InProcessJobQueue({ logger: silentLogger });
    const make = (retentionDays: number) => service(retentionDays, queue);
    const on = make(30);
    on.register();
    await on.scheduleHousekeeping();
    expect(await queue.unschedule('mail-housekeeping')).toBe(true);
    await on.scheduleHousekeeping();
    await make(0).scheduleHousekeeping();
    expect(await queue.unschedule('mail-housekeeping')).toBe(false);
    await queue.close({ timeoutMs: 1000 });
  });
});
