import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';

import {
  createDialInRepository,
  createEventService,
  createSmtpTransport,
  createTenantRepository,
  createUserRepository,
  migrateToLatest,
  openDatabase,
  silentLogger,
  type DatabaseHandle,
} from '@vc/conference-core';

import { createMailWorker } from '../src/support/mail-world.js';
import { adminQuery, databaseUrl } from '../src/support/postgres-admin.js';
import { bar, isQuick, percentile, printResult, type Benchmark } from './benchmark.js';
import { profileStages, stages } from './mail-stages.js';

/**
 * Invitation mail throughput: N invitations to one recurring meeting (a third each to registered
 * users, directory users who never signed in, and external addresses) go from the outbox through
 * planning (database reads, guest link), rendering (ICS with ical-generator, HTML + text, MIME),
 * recording and the queue to a loopback SMTP server over a pool of 5 connections. The baseline,
 * in the same run: raw pooled nodemailer (5 connections) sending the same N messages already
 * rendered (the very bytes ours sent). Three rounds, each ours then raw on fresh invitations; the
 * bars (issue 20) hold the medians: throughput ours >= 65% of raw, CPU per mail ours <= 1.25x raw.
 * One more run of ours under the sampling profiler splits its CPU by stage (mail-stages.ts;
 * BENCH_CPU_PROFILE=<file> keeps that profile).
 */
const pool = 5;
const rounds = 3;
/** Mails per round: 2,000 (BENCH_MAILS), 300 with `--quick`. */
function mailCount(quick: boolean): number {
  return Number(process.env['BENCH_MAILS'] ?? (quick ? 300 : 2000));
}
/**
 * Both sides get the same warm-up: as many mails as a round, once, through the code they measure
 * (JIT, connection pools, the heap grown to its working size). The baseline always sent all its
 * messages once before its measured run; ours had 200 mails, and its first round of 2,000 then
 * paid for growing the heap (1.5-2.5x the CPU per mail of the next rounds). BENCH_COLD=1
 * measures ours cold.
 */
function warmUpCount(count: number): number {
  return process.env['BENCH_COLD'] === '1' ? 0 : count;
}
/**
 * SMTP delivery is cluster mode, so PostgreSQL by default (a fresh database on the test server,
 * BENCH_POSTGRES_URL / TEST_POSTGRES_URL); BENCH_DATABASE=pglite measures on embedded PGlite.
 */
const backend = process.env['BENCH_DATABASE'] === 'pglite' ? 'pglite' : 'postgres';

interface CountingServer {
  readonly port: number;
  received: number;
  bytes: number;
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

async function countingServer(): Promise<CountingServer> {
  const state = { received: 0, bytes: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', (chunk: Buffer) => (state.bytes += chunk.length));
      stream.on('end', () => {
        state.received++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return Object.assign(state, {
    port: (server.server.address() as AddressInfo).port,
    async waitFor(n: number) {
      while (state.received < n) await new Promise((r) => setTimeout(r, 5));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

async function seedTenant(database: DatabaseHandle): Promise<{ tenantId: string; organizer: string }> {
  const tenantId = (await createTenantRepository(database.db).ensure({ slug: 'bench', name: 'Bench' })).tenant
    .id;
  const organizer = await createUserRepository(database.db).create(tenantId, {
    email: 'organizer@example.org',
    displayName: 'Olga Organizer',
    language: 'de',
  });
  if (!organizer.ok) throw new Error(organizer.reason);
  return { tenantId, organizer: organizer.user.id };
}

/** One weekly series with `n` invitations (a third each registered, directory, external); its id. */
async function seedEvent(
  database: DatabaseHandle,
  owner: { tenantId: string; organizer: string },
  n: number,
  tag: string,
): Promise<string> {
  const { tenantId } = owner;
  const users = createUserRepository(database.db);
  const actor = { tenantId, userId: owner.organizer };
  const events = createEventService({ db: database.db, outboxWritten: () => undefined });
  const event = await events.create(
    actor,
    {
      title: 'Weekly all-hands',
      description: 'Agenda, demos and questions.\nPlease be on time.',
      startsAt: new Date('2031-03-10T08:00:00Z'),
      endsAt: new Date('2031-03-10T09:00:00Z'),
      timeZone: 'Europe/Berlin',
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=40'],
      password: 'bench',
    },
    { suppressEmailNotification: false },
  );
  await createDialInRepository(database.db).assign(tenantId, event.roomId, {});
  for (let i = 0; i < n; i++) {
    const kind = i % 3;
    if (kind === 2) {
      await events.invite(
        actor,
        event.id,
        { email: `guest${tag}${i}@partner.example`, role: 'guest' },
        { suppressEmailNotification: false },
      );
      continue;
    }
    const user = await users.create(tenantId, {
      email: `person${tag}${i}@example.org`,
      displayName: `Person ${i}`,
      language: i % 2 === 0 ? 'en' : 'de',
      timeZone: i % 4 === 0 ? 'America/New_York' : null,
    });
    if (!user.ok) throw new Error(user.reason);
    if (kind === 0) await users.markLogin(tenantId, user.user.id, new Date());
    await events.invite(
      actor,
      event.id,
      { invitee: user.user.id, role: 'user' },
      { suppressEmailNotification: false },
    );
  }
  return event.id;
}

interface Measured {
  readonly ms: number;
  /** CPU time of this process (user + system) during the run: comparable on a busy machine. */
  readonly cpuMs: number;
}

function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

async function measured(run: () => Promise<void>): Promise<Measured> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

/** Ours from the outbox to the server, for the `n` invitations waiting in the outbox. */
async function ours(
  database: DatabaseHandle,
  server: CountingServer,
  n: number,
  measure: (run: () => Promise<void>) => Promise<Measured> = measured,
): Promise<Measured> {
  const transport = createSmtpTransport({ url: `smtp://127.0.0.1:${server.port}`, maxConnections: pool });
  const { queue, dispatcher } = createMailWorker(database, transport);
  await queue.start();
  const before = server.received;
  const result = await measure(async () => {
    await dispatcher.dispatchPending();
    await server.waitFor(before + n);
  });
  await queue.close({ timeoutMs: 5000 });
  await transport.close();
  return result;
}

async function raw(
  messages: readonly { sender: string; recipient: string; raw: string }[],
  server: CountingServer,
): Promise<Measured> {
  const transporter = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: pool,
    maxMessages: Infinity,
  });
  const result = await measured(async () => {
    await Promise.all(
      messages.map((m) =>
        transporter.sendMail({ envelope: { from: m.sender, to: [m.recipient] }, raw: m.raw }),
      ),
    );
  });
  transporter.close();
  return result;
}

function line(label: string, { ms, cpuMs }: Measured, n: number): string {
  const rate = (n / ms) * 1000;
  return `${label.padEnd(46)} ${ms.toFixed(0).padStart(7)} ms  ${rate.toFixed(0).padStart(6)} mails/s  CPU ${(cpuMs / n).toFixed(2)} ms/mail`;
}

/** The messages ours sent for `eventId`, checked to be all of them, all sent. */
async function sentFor(database: DatabaseHandle, eventId: string, n: number) {
  const sent = await database.db
    .selectFrom('mail_deliveries')
    .select(['sender', 'recipient', 'raw', 'status'])
    .where('event_id', '=', eventId)
    .execute();
  const delivered = sent.filter((m) => m.status === 'sent');
  if (delivered.length !== n)
    throw new Error(`expected ${n} sent mails, the database has ${delivered.length}`);
  return delivered;
}

interface Round {
  readonly ours: Measured;
  readonly raw: Measured;
  readonly load: number;
}

export const mailBenchmark: Benchmark = {
  name: 'mail',
  description: `invitations (2,000; 300 --quick) rendered, queued and sent over SMTP vs raw pooled nodemailer, median of ${rounds}`,
  async run(args) {
    const quick = isQuick(args);
    const count = mailCount(quick);
    const warmUp = warmUpCount(count);
    const dir = mkdtempSync(join(tmpdir(), 'vc-bench-mail-'));
    const server = await countingServer();
    const name = `vc_bench_mail_${Math.random().toString(16).slice(2, 10)}`;
    if (backend === 'postgres') await adminQuery(`create database ${name}`);
    const database = await openDatabase({
      dataDir: dir,
      databaseUrl: backend === 'postgres' ? databaseUrl(name) : undefined,
      poolSize: 10,
      logger: silentLogger,
    });
    try {
      await migrateToLatest(database.db, silentLogger);
      const owner = await seedTenant(database);
      if (warmUp > 0) {
        // The same path, another event: what the baseline's warm-up does for nodemailer.
        await seedEvent(database, owner, warmUp, 'w');
        await ours(database, server, warmUp);
      }
      const results: Round[] = [];
      let averageSize = 0;
      for (let round = 1; round <= rounds; round++) {
        console.log(
          `mail: round ${round}/${rounds}: seeding ${count} invitations to one weekly series (${backend})...`,
        );
        const eventId = await seedEvent(database, owner, count, `r${round}`);
        const load = loadavg()[0] ?? Number.NaN;
        const oursRun = await ours(database, server, count);
        const delivered = await sentFor(database, eventId, count);
        averageSize = delivered.reduce((sum, m) => sum + m.raw.length, 0) / delivered.length;
        // Warm-up of the baseline's code path with every message once (ours no longer goes through
        // nodemailer's sendMail, so nothing else warms it), then the measured run with the same bytes.
        await raw(delivered, server);
        const rawRun = await raw(delivered, server);
        results.push({ ours: oursRun, raw: rawRun, load });
        console.log(`  load ${load.toFixed(2)}`);
        console.log(`  ${line('raw pooled nodemailer, pre-rendered (baseline)', rawRun, count)}`);
        console.log(
          `  ${line(`ours: plan + render + record + queue + send${warmUp > 0 ? '' : ' (cold)'}`, oursRun, count)}`,
        );
      }
      console.log(
        `mail: ${count} messages per round, ${(averageSize / 1024).toFixed(1)} KiB each on average, ${pool} SMTP connections`,
      );
      const throughput = median(results.map((r) => r.raw.ms / r.ours.ms));
      const cpuRatio = median(results.map((r) => r.ours.cpuMs / r.raw.cpuMs));
      const oursCpu = median(results.map((r) => r.ours.cpuMs / count));
      const rawCpu = median(results.map((r) => r.raw.cpuMs / count));
      const oursRate = median(results.map((r) => (count / r.ours.ms) * 1000));
      const rawRate = median(results.map((r) => (count / r.raw.ms) * 1000));
      console.log(
        `median of ${rounds}: ours ${oursRate.toFixed(0)} mails/s, CPU ${oursCpu.toFixed(3)} ms/mail; raw ${rawRate.toFixed(0)} mails/s, CPU ${rawCpu.toFixed(3)} ms/mail`,
      );
      console.log(`ratio ours/raw throughput: ${(throughput * 100).toFixed(0)}% (bar: >= 65%)`);
      console.log(
        `CPU per mail ours/raw (this process, includes the in-process SMTP server): ${cpuRatio.toFixed(2)}x (bar: <= 1.25x)`,
      );

      console.log(`mail: stage split, one more run of ours (${count} mails) under the sampling profiler...`);
      await seedEvent(database, owner, count, 'p');
      const profileFile = process.env['BENCH_CPU_PROFILE'];
      const split = await profileStages(
        count,
        async () => {
          await ours(database, server, count);
        },
        profileFile,
      );
      if (profileFile !== undefined) console.log(`  profile written to ${profileFile}`);
      console.log(`  CPU ${split.cpuMsPerMail.toFixed(3)} ms/mail with the profiler on, by stage:`);
      for (const stage of stages) {
        console.log(`  ${stage.padEnd(14)} ${split.msPerMail[stage].toFixed(3)} ms/mail`);
      }
      printResult({
        name: 'mail',
        ratio: throughput,
        bars: [
          bar('throughput_ratio', throughput, '>= 0.65'),
          bar('cpu_per_mail_ratio', cpuRatio, '<= 1.25'),
        ],
        figures: {
          mails: count,
          ours_per_s: Math.round(oursRate),
          raw_per_s: Math.round(rawRate),
          ours_cpu_ms_per_mail: Number(oursCpu.toFixed(3)),
          raw_cpu_ms_per_mail: Number(rawCpu.toFixed(3)),
          ...Object.fromEntries(
            stages.map((s) => [`stage_${s.replace(' ', '_')}_ms`, Number(split.msPerMail[s].toFixed(3))]),
          ),
          round_load_max: Math.max(...results.map((r) => r.load)),
        },
        ...(quick && { quick }),
      });
    } finally {
      await database.close();
      if (backend === 'postgres') await adminQuery(`drop database if exists ${name} with (force)`);
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
