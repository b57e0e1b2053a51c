import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { InProcessJobQueue } from '../jobs/in-process-job-queue.js';
import { silentLogger, type LogFields, type Logger } from '../logging/logger.js';
import { createOutboxDispatcher } from '../outbox/outbox-dispatcher.js';
import { openDatabase, type DatabaseHandle } from '../storage/database.js';
import { migrateToLatest } from '../storage/migrate.js';
import { createOutboxRepository } from '../storage/outbox-repository.js';
import { createTenantRepository } from '../storage/tenant-repository.js';
import { createFolderTransport } from './folder-transport.js';
import { createMailService } from './mail-service.js';

/**
 * An outbox row whose payload does not fit the domain event catalogue (written by an older or a
 * broken version) is read back by the mail service as a clear logged error: no crash, no retry
 * loop, and the start-up sweep does not hand it over again.
 */

let dir = '';
let database: DatabaseHandle;
let tenantId = '';
const errors: { fields: LogFields; message: string }[] = [];
const capturing: Logger = {
  ...silentLogger,
  error: (fields, message) => void errors.push({ fields, message }),
  child: () => capturing,
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vc-malformed-'));
  database = await openDatabase({ dataDir: join(dir, 'db'), logger: silentLogger });
  await migrateToLatest(database.db, silentLogger);
  tenantId = (await createTenantRepository(database.db).ensure({ slug: 'malformed', name: 'Malformed' }))
    .tenant.id;
});
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a malformed domain event read back by the mail service', () => {
  it('is logged with its topic and bad fields, planned to nothing, and never retried or re-swept', async () => {
    const queue = new InProcessJobQueue({ logger: silentLogger });
    const mail = createMailService({
      db: database.db,
      queue,
      transport: createFolderTransport(join(dir, 'mail')),
      publicUrl: 'https://meet.example.org',
      logger: capturing,
      settings: {
        from: 'vc <noreply@example.org>',
        defaultLanguage: 'en',
        dialInNumber: null,
        productName: 'vc',
      },
      retry: { attempts: 3, initialDelayMs: 10 },
    });
    mail.register();
    const dispatcher = createOutboxDispatcher({
      db: database.db,
      queue,
      logger: silentLogger,
      subscriptions: [mail.subscription],
    });
    await queue.start();
    const eventId = randomUUID();
    const outboxId = await database.db.transaction().execute(
      async (trx) =>
        (
          await createOutboxRepository(trx).append(trx, tenantId, {
            topic: 'invite.added',
            aggregateId: eventId,
            payload: { event_id: eventId, revision: 'three', email: 42 },
          })
        ).id,
    );
    expect(await dispatcher.dispatchPending()).toBe(1);
    await expect.poll(() => errors.length, { timeout: 5000 }).toBe(1);
    expect(errors[0]?.message).toMatch(/does not fit the domain event catalogue/);
    expect(errors[0]?.fields).toMatchObject({
      tenant: tenantId,
      outboxMessage: outboxId,
      topic: 'invite.added',
    });
    expect(String(errors[0]?.fields['error'])).toMatch(/revision: .*email: |email: .*revision: /);
    // Recorded as planned (to nothing): a restart's sweep leaves it alone.
    await expect.poll(() => mail.sweep(), { timeout: 5000 }).toEqual({ replanned: 0, resent: 0 });
    await queue.close({ timeoutMs: 1000 });
    expect(errors).toHaveLength(1);
    expect(() => readdirSync(join(dir, 'mail'))).toThrow();
  });
});
