import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiHub, type ApiHub } from './support/api-hub.js';
import { createRoom, joinRoom, type SignalingClient } from './support/signaling.js';

let api: ApiHub;
let alice: string;
let bob: string;
const open: SignalingClient[] = [];

beforeAll(async () => {
  api = await startApiHub({});
  [alice, bob] = await Promise.all([api.token('alice'), api.token('bob')]);
  await Promise.all([alice, bob].map((token) => api.call('/v1/users/me', { token })));
});
afterAll(async () => {
  await Promise.all(open.map((c) => c.close().catch(() => undefined)));
  await api.stop();
});

async function pair() {
  const roomId = await createRoom(api, alice);
  const a = await joinRoom(api, roomId, { token: alice });
  const b = await joinRoom(api, roomId, { token: bob });
  open.push(a.client, b.client);
  await a.client.next('control', 'joined');
  return { a, b };
}

async function errorFor(client: SignalingClient, namespace: string) {
  return (await client.next(namespace, 'error')).payload;
}

describe('signaling: bad input and abuse', () => {
  it('answers malformed JSON, bad envelopes, unknown namespaces and actions and wrong types with errors', async () => {
    const { a, b } = await pair();
    b.client.sendRaw('{not json');
    expect(await errorFor(b.client, 'control')).toMatchObject({ error: 'invalid_json' });
    b.client.sendRaw(JSON.stringify({ namespace: 'control' }));
    expect(await errorFor(b.client, 'control')).toMatchObject({ error: 'invalid_frame' });
    b.client.sendRaw(JSON.stringify([1, 2]));
    expect(await errorFor(b.client, 'control')).toMatchObject({ error: 'invalid_frame' });
    b.client.sendRaw(JSON.stringify({ namespace: 'nope', payload: { action: 'x' } }));
    expect(await errorFor(b.client, 'control')).toMatchObject({ error: 'unknown_namespace' });
    b.client.sendRaw(JSON.stringify({ namespace: 'moderation', payload: { action: 'dance' } }));
    expect(await errorFor(b.client, 'moderation')).toMatchObject({
      error: 'invalid_command',
      action: 'dance',
    });
    b.client.sendRaw(
      JSON.stringify({ namespace: 'control', payload: { action: 'set_display_name', display_name: 42 } }),
    );
    const wrongType = await errorFor(b.client, 'control');
    expect(wrongType).toMatchObject({ error: 'invalid_command', action: 'set_display_name' });
    expect(String(wrongType['detail'])).toContain('display_name');
    b.client.sendRaw(
      JSON.stringify({ namespace: 'control', payload: { action: 'set_display_name', display_name: ' ' } }),
    );
    expect(await errorFor(b.client, 'control')).toMatchObject({ error: 'invalid_command' });
    b.client.sendRaw(JSON.stringify({ namespace: 'control', payload: { action: 'join', extra: true } }));
    expect(await errorFor(b.client, 'control')).toMatchObject({ error: 'invalid_command' });
    b.client.sendRaw(
      JSON.stringify({ namespace: 'echo', payload: { action: 'echo', data: 'x'.repeat(20_000) } }),
    );
    expect(await errorFor(b.client, 'control')).toMatchObject({ error: 'frame_too_large' });
    // Still connected and working; Alice saw none of it.
    b.client.send('echo', { action: 'echo', data: 1 });
    await b.client.next('echo', 'echo');
    expect(a.client.pending()).toEqual([]);
  });

  it('closes a connection whose frame exceeds the hard limit, without disturbing the room', async () => {
    const { a, b } = await pair();
    b.client.sendRaw('x'.repeat(70_000));
    expect((await b.client.closed).code).toBe(1009);
    const left = await a.client.next('control', 'left');
    expect(left.payload['id']).toBe(b.me.id);
    a.client.send('echo', { action: 'echo' });
    await a.client.next('echo', 'echo');
  });

  it('refuses a flood beyond the burst with rate_limited, then closes sustained abuse with a reason', async () => {
    const { a, b } = await pair();
    for (let i = 0; i < 35; i++) b.client.send('echo', { action: 'echo', data: i });
    const limited = await errorFor(b.client, 'control');
    expect(limited).toMatchObject({ error: 'rate_limited' });
    const echoes = b.client.pending().filter((f) => f.namespace === 'echo').length;
    // The burst is 30 frames, one of which was the join.
    expect(echoes).toBeGreaterThanOrEqual(28);
    expect(echoes).toBeLessThan(35);
    for (let i = 0; i < 100; i++) b.client.send('echo', { action: 'echo', data: i });
    const closed = await b.client.closed;
    expect(closed).toEqual({ code: 4029, reason: 'rate_limit_exceeded' });
    expect((await a.client.next('control', 'left')).payload['id']).toBe(b.me.id);
    a.client.send('echo', { action: 'echo' });
    await a.client.next('echo', 'echo');
  });

  it('closes a connection that keeps sending garbage', async () => {
    const { b } = await pair();
    // Spread over time so the rate limit is not what trips.
    for (let i = 0; i < 25; i++) {
      b.client.sendRaw('garbage');
      await new Promise((r) => setTimeout(r, 40));
    }
    expect(await b.client.closed).toEqual({ code: 1008, reason: 'too many invalid messages' });
  });
});
