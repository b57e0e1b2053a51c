import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { silentLogger } from '../../../logging/logger.js';
import { passwordBySource, secretByTarget } from '../../../security/attempt-limiter.js';
import { MemoryAttemptLimiter } from '../../../security/memory-attempt-limiter.js';
import { openDatabase, type DatabaseHandle } from '../../../storage/database.js';
import { createDialInRepository } from '../../../storage/dial-in-repository.js';
import { createGuestLinkRepository } from '../../../storage/guest-link-repository.js';
import { migrateToLatest } from '../../../storage/migrate.js';
import { createRoomRepository, type NewRoom, type Room } from '../../../storage/room-repository.js';
import { createTenantRepository } from '../../../storage/tenant-repository.js';
import { createUserRepository } from '../../../storage/user-repository.js';
import { MemoryTicketStore } from '../../../tickets/memory-ticket-store.js';
import type { Principal } from '../../principal.js';
import type { ApiDeps } from '../deps.js';
import { postCallInStart } from './post-call-in-start.js';
import { postRoomStart } from './post-room-start.js';

// What the start endpoints put into a ticket is only visible to whoever redeems it (the signaling
// node); here the endpoints run against a real database and the tickets are redeemed directly.

let root: string;
let handle: DatabaseHandle;
let deps: ApiDeps;
let tenantId: string;
let ownerId: string;
let otherId: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vc-start-'));
  handle = await openDatabase({ dataDir: root, logger: silentLogger });
  await migrateToLatest(handle.db, silentLogger);
  const tenant = await createTenantRepository(handle.db).create({ slug: 'acme', name: 'Acme' });
  if (!tenant.ok) throw new Error('no tenant');
  tenantId = tenant.tenant.id;
  const users = createUserRepository(handle.db);
  const owner = await users.create(tenantId, { email: 'owner@acme.test', displayName: 'Owner' });
  const other = await users.create(tenantId, { email: 'other@acme.test', displayName: 'Other' });
  if (!owner.ok || !other.ok) throw new Error('no users');
  ownerId = owner.user.id;
  otherId = other.user.id;
  deps = {
    db: handle.db,
    logger: silentLogger,
    oidc: { issuer: 'https://idp.test', clientId: 'vc-web' },
    openApiDocument: () => ({}),
    now: () => new Date(),
    tickets: new MemoryTicketStore(),
    attempts: {
      bySource: new MemoryAttemptLimiter(passwordBySource),
      byTarget: new MemoryAttemptLimiter(secretByTarget),
    },
    locateSignaling: () => Promise.resolve('wss://hub.test/signaling'),
    dialInNumber: null,
    publicUrl: 'https://hub.test',
    outboxWritten: () => undefined,
  };
});
afterAll(async () => {
  await handle.close();
  await rm(root, { recursive: true, force: true });
});

function user(userId: string): Principal {
  return { kind: 'user', tenantId, userId, email: 'x@acme.test', roles: [], groups: [], permissions: [] };
}

async function room(settings: Omit<NewRoom, 'ownerId'> = {}): Promise<Room> {
  const created = await createRoomRepository(handle.db).create(tenantId, { ownerId, ...settings });
  if (!created.ok) throw new Error('no room');
  return created.room;
}

async function startAndRedeem(roomId: string, principal: Principal, body: unknown = {}): Promise<unknown> {
  const result = await postRoomStart.run(
    { params: { roomId }, query: {}, body, headers: {}, ip: '192.0.2.1' },
    principal,
    deps,
  );
  expect(result.status).toBe(200);
  const { ticket, signaling_url } = result.body as { ticket: string; signaling_url: string };
  expect(signaling_url).toBe(`wss://hub.test/signaling/${ticket}`);
  const data = await deps.tickets.redeem(ticket);
  expect(await deps.tickets.redeem(ticket)).toBeUndefined();
  return data;
}

describe('the tickets of POST /v1/rooms/{roomId}/start and the call-in start', () => {
  it('makes the owner a moderator who never waits, and another person a user who waits when the room says so', async () => {
    const r = await room({ waitingRoom: true, password: 'pw' });
    expect(await startAndRedeem(r.id, user(ownerId))).toEqual({
      tenant_id: tenantId,
      room_id: r.id,
      participant: { kind: 'user', user_id: ownerId },
      role: 'moderator',
      waiting_room: false,
    });
    expect(await startAndRedeem(r.id, user(otherId), { password: 'pw' })).toEqual({
      tenant_id: tenantId,
      room_id: r.id,
      participant: { kind: 'user', user_id: otherId },
      role: 'user',
      waiting_room: true,
    });
  });

  it('makes a guest wait when the room admits guests only through the waiting room', async () => {
    const links = createGuestLinkRepository(handle.db);
    for (const [guestAccess, waits] of [
      ['waiting_room', true],
      ['direct_access', false],
    ] as const) {
      const r = await room({ guestAccess });
      const link = await links.create(tenantId, r.id, { createdBy: ownerId });
      if (!link.ok) throw new Error('no link');
      const guest: Principal = { kind: 'guest', tenantId, roomId: r.id, inviteCode: link.link.code };
      expect(await startAndRedeem(r.id, guest)).toEqual({
        tenant_id: tenantId,
        room_id: r.id,
        participant: { kind: 'guest', invite_code: link.link.code },
        role: 'guest',
        waiting_room: waits,
      });
    }
  });

  it('puts a phone caller in as a guest, in the lobby when the dial-in has one', async () => {
    const r = await room();
    const assigned = await createDialInRepository(handle.db).assign(tenantId, r.id, {
      pin: '2468',
      lobby: true,
    });
    if (!assigned.ok) throw new Error('no dial-in');
    // The gateway's own tenant is a different one: one gateway serves every tenant.
    const gateway: Principal = {
      kind: 'service',
      tenantId: '00000000-0000-4000-8000-000000000001',
      clientId: 'vc-call-in',
      roles: ['call-in'],
    };
    const result = await postCallInStart.run(
      {
        params: undefined,
        query: {},
        body: { id: assigned.dialIn.conferenceId, pin: '2468' },
        headers: {},
        ip: '192.0.2.2',
      },
      gateway,
      deps,
    );
    expect(result.status).toBe(200);
    const { ticket } = result.body as { ticket: string };
    expect(await deps.tickets.redeem(ticket)).toEqual({
      tenant_id: tenantId,
      room_id: r.id,
      participant: { kind: 'phone' },
      role: 'guest',
      waiting_room: true,
    });

    const recorder: Principal = { ...gateway, roles: ['recorder'] };
    await expect(
      postCallInStart.run(
        {
          params: undefined,
          query: {},
          body: { id: assigned.dialIn.conferenceId, pin: '2468' },
          headers: {},
          ip: '192.0.2.2',
        },
        recorder,
        deps,
      ),
    ).rejects.toMatchObject({ problem: { status: 403, code: 'forbidden' } });
  });
});
