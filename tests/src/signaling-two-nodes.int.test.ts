import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { testEnv } from '@vc/conference-core/testing';

import { startApiHub, type ApiHub } from './support/api-hub.js';
import { startHubProcess, type HubProcess } from './support/hub-process.js';
import { databaseUrl } from './support/postgres-admin.js';
import { connect, createRoom, joinRoom, startRoom, type SignalingClient } from './support/signaling.js';

/**
 * Room affinity across processes: an API hub (REST and the development issuer) and two signaling
 * nodes, all on one PostgreSQL database and one Redis, sharing nothing else.
 */
const prefix = `vc-signaling-test-${randomBytes(4).toString('hex')}`;
const nodeTtlMs = 1500;
let api: ApiHub;
let alice: string;
let bob: string;
const nodes: HubProcess[] = [];
const open: SignalingClient[] = [];

async function startNode(): Promise<HubProcess> {
  const issuer = api.hub.devIdpIssuer;
  if (issuer === undefined || api.database === undefined) throw new Error('the API hub is not set up');
  const node = await startHubProcess({
    ROLES: 'signaling',
    DATABASE_URL: databaseUrl(api.database),
    REDIS_URL: testEnv.redisUrl,
    OIDC_ISSUER: issuer,
    DEV_IDP: 'off',
    SIGNALING_REDIS_PREFIX: prefix,
    SIGNALING_NODE_TTL_MS: String(nodeTtlMs),
    SHUTDOWN_TIMEOUT_MS: '2000',
  });
  nodes.push(node);
  await node.waitForOutput(/signaling node registered/, 30_000);
  return node;
}

/** The node (by its port) a signaling URL points at. */
function portOf(signalingUrl: string): string {
  return new URL(signalingUrl).port;
}

beforeAll(async () => {
  api = await startApiHub({
    backend: 'postgres',
    env: { REDIS_URL: testEnv.redisUrl, ROLES: 'api,worker', SIGNALING_REDIS_PREFIX: prefix },
  });
  [alice, bob] = await Promise.all([api.token('alice'), api.token('bob')]);
  await Promise.all([alice, bob].map((token) => api.call('/v1/users/me', { token })));
  await Promise.all([startNode(), startNode()]);
}, 90_000);

afterAll(async () => {
  await Promise.all(open.map((c) => c.close().catch(() => undefined)));
  await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
  await api.stop();
});

describe('signaling scale-out by room affinity (two nodes, Redis, PostgreSQL)', () => {
  it('sends every participant of a room to the same node, spreads rooms, and moves a dead node s room', async () => {
    const nodePorts = nodes.map((n) => new URL(n.url).port);
    const roomId = await createRoom(api, alice);
    const starts = [];
    for (const token of [alice, bob, alice, bob]) starts.push(await startRoom(api, roomId, { token }));
    const owner = portOf(starts[0]?.signaling_url ?? '');
    expect(nodePorts).toContain(owner);
    expect(starts.map((s) => portOf(s.signaling_url))).toEqual([owner, owner, owner, owner]);

    // They meet in one live room.
    const clients = await Promise.all(starts.map((s) => connect(s.signaling_url)));
    open.push(...clients);
    const [a1, b1] = clients as [SignalingClient, SignalingClient];
    await a1.join();
    await b1.join();
    expect((await a1.next('control', 'joined')).payload['participant']).toMatchObject({
      control: { display_name: expect.stringContaining('Bob') as unknown },
    });

    // With two connections on the owner (reported by its heartbeat), a new room goes to the other node.
    await new Promise((r) => setTimeout(r, nodeTtlMs));
    const otherRoom = await createRoom(api, bob);
    const elsewhere = await startRoom(api, otherRoom, { token: bob });
    expect(portOf(elsewhere.signaling_url)).not.toBe(owner);

    // A ticket for this room presented at the wrong node is refused before the upgrade.
    const misdirected = await startRoom(api, roomId, { token: bob });
    const other = nodePorts.find((p) => p !== owner) ?? '';
    const wrongUrl = misdirected.signaling_url.replace(`:${owner}/`, `:${other}/`);
    await expect(connect(wrongUrl)).rejects.toThrow(/refused/);

    // The owner dies without a word; once its heartbeat is stale the room moves on the next start.
    const ownerNode = nodes.find((n) => new URL(n.url).port === owner);
    await ownerNode?.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, nodeTtlMs + 300));
    const moved = await startRoom(api, roomId, { token: alice });
    expect(portOf(moved.signaling_url)).toBe(other);
    const again = await connect(moved.signaling_url);
    open.push(again);
    const answer = await again.join();
    expect(answer.payload).toMatchObject({ message: 'join_success', role: 'moderator', participants: [] });
    const bobAgain = await joinRoom(api, roomId, { token: bob });
    open.push(bobAgain.client);
    expect(portOf((await startRoom(api, roomId, { token: bob })).signaling_url)).toBe(other);
    expect(bobAgain.me.participants).toHaveLength(1);
  }, 60_000);

  it('answers 503 when no signaling node is alive', async () => {
    await Promise.all(nodes.map((n) => n.stop('SIGTERM')));
    const roomId = await createRoom(api, alice);
    const res = await api.call(`/v1/rooms/${roomId}/start`, { method: 'POST', token: alice, body: {} });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'service_unavailable' });
  }, 30_000);
});
