import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  createEventService,
  createMailService,
  createOutboxDispatcher,
  createSmtpTransport,
  createTenantRepository,
  createUserRepository,
  InProcessJobQueue,
  migrateToLatest,
  openDatabase,
  silentLogger,
  type Actor,
  type DatabaseHandle,
  type EventService,
  type MailService,
  type MailTransport,
} from '@vc/conference-core';
import { type OutboxDispatcher } from '@vc/conference-core/testing';

export interface MailPerson {
  readonly id: string;
  readonly email: string;
}

/**
 * A tenant on a fresh PGlite database with the scheduling service, the outbox dispatcher, an
 * in-process queue and the mail service: what the hub's worker role runs, without HTTP.
 */
export interface MailWorld {
  readonly database: DatabaseHandle;
  readonly tenantId: string;
  readonly alice: MailPerson & { actor: Actor };
  /** Signed in before, writes German, lives in New York. */
  readonly bob: MailPerson;
  /** Known from the directory, never signed in, no language. */
  readonly carol: MailPerson;
  readonly events: EventService;
  /** The current worker; `restart` replaces it as a crashed and restarted process would. */
  worker: MailWorker;
  /** Hands committed domain events to the queue right away. */
  dispatch(): Promise<number>;
  /** Stops the worker without letting anything finish, and starts a new one on the same database. */
  restart(transport: MailTransport, options?: { start?: boolean }): Promise<MailWorker>;
  close(): Promise<void>;
}

export interface MailWorker {
  readonly queue: InProcessJobQueue;
  readonly mail: MailService;
  readonly dispatcher: OutboxDispatcher;
}

export const publicUrl = 'https://meet.example.org';

/** The mail settings every mail test and the mail benchmark use. */
export const mailSettings = {
  from: 'vc-hub <noreply@example.org>',
  defaultLanguage: 'en',
  dialInNumber: '+49 30 555 0100',
  productName: 'vc-hub',
} as const;

/**
 * What the hub's worker role runs for mail, without HTTP: an in-process queue, the mail service
 * (handlers registered) and the outbox dispatcher subscribed to it. Not started.
 */
export function createMailWorker(
  database: DatabaseHandle,
  transport: MailTransport,
  options: { retryDelayMs?: number } = {},
): MailWorker {
  const queue = new InProcessJobQueue({ logger: silentLogger });
  const mail = createMailService({
    db: database.db,
    queue,
    transport,
    publicUrl,
    logger: silentLogger,
    settings: mailSettings,
    ...(options.retryDelayMs !== undefined && {
      retry: { attempts: 6, initialDelayMs: options.retryDelayMs },
    }),
  });
  mail.register();
  const dispatcher = createOutboxDispatcher({
    db: database.db,
    queue,
    logger: silentLogger,
    subscriptions: [mail.subscription],
  });
  return { queue, mail, dispatcher };
}

export async function startMailWorld(
  smtpUrl: string,
  options: { retryDelayMs?: number } = {},
): Promise<MailWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'vc-mail-'));
  const database = await openDatabase({ dataDir: dir, logger: silentLogger });
  await migrateToLatest(database.db, silentLogger);
  const tenantId = (await createTenantRepository(database.db).ensure({ slug: 'mail', name: 'Mail' })).tenant
    .id;
  const users = createUserRepository(database.db);
  const person = async (
    email: string,
    displayName: string,
    language: string | null,
    timeZone: string | null,
  ) => {
    const created = await users.create(tenantId, { email, displayName, language, timeZone });
    if (!created.ok) throw new Error(created.reason);
    return { id: created.user.id, email };
  };
  const alice = await person('alice@example.org', 'Alice Organizer', 'en', 'Europe/Berlin');
  const bob = await person('bob@example.org', 'Bob Registered', 'de-DE', 'America/New_York');
  const carol = await person('carol@example.org', 'Carol Directory', null, null);
  await users.markLogin(tenantId, bob.id, new Date());
  await users.markLogin(tenantId, alice.id, new Date());

  const makeWorker = async (transport: MailTransport, start = true): Promise<MailWorker> => {
    const worker = createMailWorker(database, transport, { retryDelayMs: options.retryDelayMs ?? 200 });
    if (start) {
      await worker.queue.start();
      await worker.mail.sweep();
    }
    return worker;
  };

  const world: MailWorld = {
    database,
    tenantId,
    alice: { ...alice, actor: { tenantId, userId: alice.id, email: alice.email } },
    bob,
    carol,
    events: createEventService({ db: database.db, outboxWritten: () => undefined }),
    worker: await makeWorker(createSmtpTransport({ url: smtpUrl, maxConnections: 2, timeoutMs: 5000 })),
    dispatch: () => world.worker.dispatcher.dispatchPending(),
    async restart(transport, restartOptions = {}) {
      await world.worker.queue.close({ timeoutMs: 0 });
      await world.worker.mail.transport.close();
      world.worker = await makeWorker(transport, restartOptions.start ?? true);
      return world.worker;
    },
    async close() {
      await world.worker.queue.close({ timeoutMs: 1000 });
      await world.worker.mail.transport.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}
