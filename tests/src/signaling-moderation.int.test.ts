import { describe, expect, it } from 'vitest';

import { createRoom, guestLink, nothingArrives, useSignalingWorld } from './support/signaling.js';

const world = useSignalingWorld({ SIGNALING_RECONNECT_GRACE_MS: '1000' });
const { join } = world;

/** Alice (owner, moderator), Bob (user), and a guest in a room with direct guest access. */
async function meeting() {
  const roomId = await createRoom(world.api, world.alice, { guest_access: 'direct_access' });
  const a = await join(roomId, { token: world.alice });
  const b = await join(roomId, { token: world.bob });
  await a.client.next('control', 'joined');
  const invite = await guestLink(world.api, world.alice, roomId);
  const g = await join(roomId, { invite }, { display_name: 'Gast' });
  await a.client.next('control', 'joined', (p) => (p['participant'] as { id: string }).id === g.me.id);
  await b.client.next('control', 'joined', (p) => (p['participant'] as { id: string }).id === g.me.id);
  return { roomId, a, b, g, invite };
}

describe('signaling: moderation', () => {
  it('refuses every moderator action from a non-moderator with an error and changes nothing', async () => {
    const { a, b, g } = await meeting();
    const attempts = [
      { action: 'kick', target: a.me.id },
      { action: 'ban', target: g.me.id },
      { action: 'send_to_waiting_room', target: g.me.id },
      { action: 'grant_moderator', target: b.me.id },
      { action: 'enable_waiting_room' },
      { action: 'request_mute_all' },
      { action: 'change_display_name', target: a.me.id, display_name: 'X' },
      { action: 'end_meeting', scope: 'all' },
    ] as const;
    for (const payload of attempts) {
      b.client.send('moderation', payload);
      expect((await b.client.next('moderation', 'error')).payload).toEqual({
        message: 'error',
        error: 'insufficient_permissions',
        detail: 'moderators only',
        action: payload.action,
      });
    }
    expect(await nothingArrives(a.client, 'control', 'left', 200)).toBe(true);
    expect(a.client.pending()).toEqual([]);
    expect(g.client.pending()).toEqual([]);
  });

  it('kicks a participant, who gets told and closed, and the others see the reason', async () => {
    const { a, b, g } = await meeting();
    a.client.send('moderation', { action: 'kick', target: g.me.id });
    expect((await g.client.next('moderation', 'kicked')).payload).toMatchObject({ by: a.me.id });
    expect((await g.client.closed).code).toBe(4001);
    expect((await b.client.next('control', 'left')).payload).toEqual({
      message: 'left',
      id: g.me.id,
      reason: 'kicked',
    });
    a.client.send('moderation', { action: 'kick', target: a.me.id });
    expect((await a.client.next('moderation', 'error')).payload).toMatchObject({
      error: 'cannot_target_self',
    });
  });

  it('bans a registered user for the session (every tab) and only kicks a guest', async () => {
    const { roomId, a, b, g, invite } = await meeting();
    const bobTab2 = await join(roomId, { token: world.bob });
    a.client.send('moderation', { action: 'ban', target: b.me.id });
    await b.client.next('moderation', 'banned');
    await bobTab2.client.next('moderation', 'banned');
    expect((await b.client.closed).code).toBe(4002);
    expect((await a.client.next('control', 'left', (p) => p['id'] === b.me.id)).payload['reason']).toBe(
      'banned',
    );
    const again = await join(roomId, { token: world.bob });
    expect(again.answer.payload).toEqual({ message: 'join_blocked', reason: 'banned' });
    expect((await again.client.closed).code).toBe(4002);

    a.client.send('moderation', { action: 'ban', target: g.me.id });
    await g.client.next('moderation', 'kicked');
    expect((await a.client.next('control', 'left', (p) => p['id'] === g.me.id)).payload['reason']).toBe(
      'kicked',
    );
    const guestAgain = await join(roomId, { invite });
    expect(guestAgain.answer.payload.message).toBe('join_success');
  });

  it('sends a participant back to the waiting room and lets it in again', async () => {
    const { a, b } = await meeting();
    a.client.send('moderation', { action: 'send_to_waiting_room', target: b.me.id });
    await b.client.next('control', 'in_waiting_room');
    expect((await a.client.next('control', 'left', (p) => p['id'] === b.me.id)).payload['reason']).toBe(
      'sent_to_waiting_room',
    );
    await a.client.next('moderation', 'joined_waiting_room');
    a.client.send('moderation', { action: 'accept', target: b.me.id });
    await b.client.next('moderation', 'accepted');
    expect((await b.client.enterRoom()).id).toBe(b.me.id);
  });

  it('grants and revokes the moderator role, never the owner s, and only for registered users', async () => {
    const { a, b, g } = await meeting();
    a.client.send('moderation', { action: 'grant_moderator', target: b.me.id });
    expect((await b.client.next('moderation', 'role_updated')).payload['role']).toBe('moderator');
    expect((await g.client.next('control', 'update')).payload['participant']).toMatchObject({
      id: b.me.id,
      control: { role: 'moderator' },
    });
    b.client.send('moderation', { action: 'revoke_moderator', target: a.me.id });
    expect((await b.client.next('moderation', 'error')).payload).toMatchObject({
      error: 'cannot_revoke_owner',
    });
    b.client.send('moderation', { action: 'grant_moderator', target: g.me.id });
    expect((await b.client.next('moderation', 'error')).payload).toMatchObject({
      error: 'cannot_change_guest_role',
    });
    a.client.send('moderation', { action: 'revoke_moderator', target: b.me.id });
    expect((await b.client.next('moderation', 'role_updated')).payload['role']).toBe('user');
    b.client.send('moderation', { action: 'request_mute_all' });
    expect((await b.client.next('moderation', 'error')).payload).toMatchObject({
      error: 'insufficient_permissions',
    });
  });

  it('asks one or everyone to mute and changes display names', async () => {
    const { a, b, g } = await meeting();
    a.client.send('moderation', { action: 'request_mute', targets: [g.me.id] });
    expect((await g.client.next('moderation', 'mute_requested')).payload).toMatchObject({ by: a.me.id });
    a.client.send('moderation', { action: 'request_mute_all' });
    await b.client.next('moderation', 'mute_requested');
    await g.client.next('moderation', 'mute_requested');
    expect(await nothingArrives(a.client, 'moderation', 'mute_requested', 100)).toBe(true);
    a.client.send('moderation', {
      action: 'request_mute',
      targets: ['00000000-0000-4000-8000-000000000000'],
    });
    expect((await a.client.next('moderation', 'error')).payload).toMatchObject({
      error: 'unknown_participant',
    });

    a.client.send('moderation', {
      action: 'change_display_name',
      target: g.me.id,
      display_name: 'Gast (Firma X)',
    });
    expect((await g.client.next('moderation', 'display_name_changed')).payload['display_name']).toBe(
      'Gast (Firma X)',
    );
    expect((await b.client.next('control', 'update')).payload['participant']).toMatchObject({
      control: { display_name: 'Gast (Firma X)' },
    });
  });

  it('ends the meeting for guests (debriefing) and then for everybody', async () => {
    const { a, b, g } = await meeting();
    a.client.send('moderation', { action: 'end_meeting', scope: 'guests' });
    expect((await g.client.next('moderation', 'session_ended')).payload['scope']).toBe('guests');
    expect((await g.client.closed).code).toBe(4003);
    await b.client.next('moderation', 'debriefing_started');
    a.client.send('moderation', { action: 'end_meeting', scope: 'all' });
    await b.client.next('moderation', 'session_ended');
    expect((await b.client.closed).code).toBe(4003);
    expect((await a.client.closed).code).toBe(4003);
  });
});
