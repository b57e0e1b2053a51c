import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { silentLogger } from '../../logging/logger.js';
import { MemoryTicketStore } from '../../tickets/memory-ticket-store.js';
import { MemoryNodeRegistry } from '../registry/memory-node-registry.js';
import type { RoomDirectory } from '../runtime/room-info.js';
import { createSignalingServer, type SignalingServer } from './signaling-server.js';

/** The edge alone, on a plain HTTP server: what is refused before the upgrade, and why. */
const tenantId = randomUUID();
const roomId = randomUUID();
const directory: RoomDirectory = {
  loadRoom: (tenant, room) =>
    Promise.resolve(
      tenant === tenantId && room === roomId
        ? {
            id: roomId,
            tenantId,
            ownerId: randomUUID(),
            password: null,
            waitingRoom: false,
            guestAccess: 'direct_access',
            event: undefined,
            dialIn: undefined,
          }
        : undefined,
    ),
  displayNameOf: () => Promise.resolve(undefined),
};
const ticketData = {
  tenant_id: tenantId,
  room_id: roomId,
  participant: { kind: 'phone' },
  role: 'guest',
  waiting_room: false,
};

let server: Server;
let signaling: SignalingServer;
let tickets: MemoryTicketStore;
let registry: MemoryNodeRegistry;
let base: string;

beforeAll(async () => {
  tickets = new MemoryTicketStore();
  registry = new MemoryNodeRegistry();
  signaling = createSignalingServer({ tickets, directory, registry, logger: silentLogger });
  server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => signaling.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/signaling`;
  await registry.register({ id: 'n1', url: base, load: () => signaling.connections() });
});
afterAll(async () => {
  await signaling.close();
  await registry.close();
  await tickets.close();
  await new Promise((resolve) => server.close(resolve));
});

function attempt(url: string): Promise<{ status: number; body: string } | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('error', () => undefined);
  });
}

describe('signaling edge', () => {
  it('upgrades with a fresh ticket and counts the connection as load', async () => {
    const ticket = await tickets.issue(ticketData);
    const ws = new WebSocket(`${base}/${ticket}`);
    await new Promise((resolve) => ws.once('open', resolve));
    expect(signaling.connections()).toBe(1);
    ws.close();
    await new Promise((resolve) => ws.once('close', resolve));
  });

  it('refuses an expired ticket with a 401 problem before the upgrade', async () => {
    const ticket = await tickets.issue(ticketData, 30);
    await new Promise((r) => setTimeout(r, 80));
    const answer = await attempt(`${base}/${ticket}`);
    expect(answer).toMatchObject({ status: 401 });
    expect(JSON.parse((answer as { body: string }).body)).toMatchObject({ code: 'unauthorized' });
  });

  it('refuses a ticket whose data is not a signaling ticket', async () => {
    const ticket = await tickets.issue({ tenant_id: tenantId, room_id: 'nope' });
    expect(await attempt(`${base}/${ticket}`)).toMatchObject({ status: 401 });
  });

  it('refuses with 409 when this node does not own the room (it stopped being a node)', async () => {
    const other = new MemoryNodeRegistry();
    const orphan = createSignalingServer({ tickets, directory, registry: other, logger: silentLogger });
    const lone = createServer();
    lone.on('upgrade', (req, socket, head) => orphan.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => lone.listen(0, '127.0.0.1', resolve));
    try {
      const ticket = await tickets.issue(ticketData);
      const answer = await attempt(
        `ws://127.0.0.1:${(lone.address() as AddressInfo).port}/signaling/${ticket}`,
      );
      expect(answer).toMatchObject({ status: 409 });
    } finally {
      await orphan.close();
      await new Promise((resolve) => lone.close(resolve));
    }
  });
});

describe('signaling heartbeat', () => {
  it('keeps connections that answer pings and ends one that misses a pong', async () => {
    const pinging = createSignalingServer({
      tickets,
      directory,
      registry,
      logger: silentLogger,
      pingIntervalMs: 200,
    });
    const edge = createServer();
    edge.on('upgrade', (req, socket, head) => pinging.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => edge.listen(0, '127.0.0.1', resolve));
    const url = `ws://127.0.0.1:${(edge.address() as AddressInfo).port}/signaling`;
    try {
      const open = async (autoPong: boolean) => {
        const ws = new WebSocket(`${url}/${await tickets.issue(ticketData)}`, { autoPong });
        await new Promise((resolve) => ws.once('open', resolve));
        return ws;
      };
      // More connections than the heartbeat has slices (2 at 200 ms), so every slice is used.
      const answering = await Promise.all(Array.from({ length: 25 }, () => open(true)));
      const silent = await open(false);
      let pings = 0;
      silent.on('ping', () => pings++);
      const silentClosed = new Promise((resolve) => silent.once('close', resolve));
      await new Promise((r) => setTimeout(r, 1000));
      await silentClosed;
      expect(pings).toBe(1);
      expect(answering.every((ws) => ws.readyState === WebSocket.OPEN)).toBe(true);
      expect(pinging.connections()).toBe(25);
      for (const ws of answering) ws.close();
    } finally {
      await pinging.close();
      await new Promise((resolve) => edge.close(resolve));
    }
  });
});
