import { describe, expect, it } from 'vitest';

import { createRoom, guestLink, nothingArrives, useSignalingWorld } from './support/signaling.js';

const world = useSignalingWorld({});
const { join } = world;

/** Alice (moderator), Bob and Carol (users); every join announcement consumed. */
async function meeting() {
  const roomId = await createRoom(world.api, world.alice, { guest_access: 'direct_access' });
  const a = await join(roomId, { token: world.alice });
  const b = await join(roomId, { token: world.bob });
  await a.client.next('control', 'joined');
  const c = await join(roomId, { token: world.carol });
  await a.client.next('control', 'joined');
  await b.client.next('control', 'joined');
  return { roomId, a, b, c };
}

describe('signaling modules', () => {
  it('raise_hands: raises and lowers hands for all to see; only moderators reset or disable them', async () => {
    const { a, b, c } = await meeting();
    b.client.send('raise_hands', { action: 'raise_hand' });
    expect((await a.client.next('raise_hands', 'hand_raised')).payload['id']).toBe(b.me.id);
    const update = await c.client.next('control', 'update');
    expect(update.payload['participant']).toMatchObject({ id: b.me.id, raise_hands: { hand_is_up: true } });
    c.client.send('raise_hands', { action: 'reset_raised_hands' });
    expect((await c.client.next('raise_hands', 'error')).payload).toMatchObject({
      error: 'insufficient_permissions',
    });
    a.client.send('raise_hands', { action: 'reset_raised_hands' });
    expect((await b.client.next('raise_hands', 'hand_lowered')).payload['id']).toBe(b.me.id);
    await b.client.next('raise_hands', 'raised_hands_reset_by_moderator');
    a.client.send('raise_hands', { action: 'disable_raise_hands' });
    await b.client.next('raise_hands', 'raise_hands_disabled');
    b.client.send('raise_hands', { action: 'raise_hand' });
    expect((await b.client.next('raise_hands', 'error')).payload).toMatchObject({
      error: 'insufficient_permissions',
    });
  });

  it('reaction: relays an emoji to everyone and refuses text', async () => {
    const { a, b } = await meeting();
    b.client.send('reaction', { action: 'react', emoji: '👍🏽' });
    expect((await a.client.next('reaction', 'reacted')).payload).toEqual({
      message: 'reacted',
      id: b.me.id,
      emoji: '👍🏽',
    });
    b.client.send('reaction', { action: 'react', emoji: 'hello' });
    expect((await b.client.next('reaction', 'error')).payload).toMatchObject({ error: 'invalid_command' });
    b.client.send('reaction', { action: 'react', emoji: '123' });
    expect((await b.client.next('reaction', 'error')).payload).toMatchObject({ error: 'invalid_command' });
  });

  it('chat: global and private messages, history on join, moderators disable and clear, its own rate limit', async () => {
    const { roomId, a, b, c } = await meeting();
    b.client.send('chat', { action: 'send_message', scope: 'global', content: 'Hallo zusammen' });
    const global = await c.client.next('chat', 'message_sent');
    expect(global.payload).toMatchObject({ source: b.me.id, scope: 'global', content: 'Hallo zusammen' });
    b.client.send('chat', { action: 'send_message', scope: 'private', target: c.me.id, content: 'psst' });
    expect((await c.client.next('chat', 'message_sent')).payload).toMatchObject({
      scope: 'private',
      target: c.me.id,
    });
    expect(
      (await b.client.next('chat', 'message_sent', (p) => p['scope'] === 'private')).payload['content'],
    ).toBe('psst');
    await a.client.next('chat', 'message_sent');
    expect(await nothingArrives(a.client, 'chat', 'message_sent', 200)).toBe(true);

    const late = await join(roomId, { token: world.carol });
    const history = (late.me.modules['chat'] as { history: { content: string }[] }).history;
    expect(history.map((m) => m.content)).toEqual(['Hallo zusammen']);

    b.client.send('chat', { action: 'disable_chat' });
    expect((await b.client.next('chat', 'error')).payload).toMatchObject({
      error: 'insufficient_permissions',
    });
    a.client.send('chat', { action: 'disable_chat' });
    await b.client.next('chat', 'chat_disabled');
    b.client.send('chat', { action: 'send_message', scope: 'global', content: 'still?' });
    expect((await b.client.next('chat', 'error')).payload).toMatchObject({ error: 'chat_disabled' });
    a.client.send('chat', { action: 'enable_chat' });
    await b.client.next('chat', 'chat_enabled');
    a.client.send('chat', { action: 'clear_history' });
    await c.client.next('chat', 'history_cleared');
    const after = await join(roomId, { token: world.carol });
    expect((after.me.modules['chat'] as { history: unknown[] }).history).toEqual([]);

    // The chat limit (burst 10) trips long before the connection's (burst 30).
    for (let i = 0; i < 15; i++)
      c.client.send('chat', { action: 'send_message', scope: 'global', content: `m${i}` });
    expect((await c.client.next('chat', 'error')).payload).toMatchObject({ error: 'slow_down' });
    c.client.send('echo', { action: 'echo' });
    await c.client.next('echo', 'echo');
  });

  it('timer: a moderator starts a countdown with a ready check; it expires for everyone', async () => {
    const { a, b } = await meeting();
    b.client.send('timer', { action: 'start', kind: 'stopwatch' });
    expect((await b.client.next('timer', 'error')).payload).toMatchObject({
      error: 'insufficient_permissions',
    });
    a.client.send('timer', { action: 'start', kind: 'countdown' });
    expect((await a.client.next('timer', 'error')).payload).toMatchObject({ error: 'invalid_command' });
    a.client.send('timer', {
      action: 'start',
      kind: 'countdown',
      duration: 1,
      style: 'coffee_break',
      title: 'Pause',
      enable_ready_check: true,
    });
    const started = await b.client.next('timer', 'started');
    expect(started.payload).toMatchObject({
      kind: 'countdown',
      style: 'coffee_break',
      title: 'Pause',
      ready_check_enabled: true,
    });
    b.client.send('timer', { action: 'update_ready_status', ready: true });
    expect((await a.client.next('timer', 'updated_ready_status')).payload).toMatchObject({
      participant_id: b.me.id,
      ready: true,
    });
    a.client.send('timer', { action: 'start', kind: 'stopwatch' });
    expect((await a.client.next('timer', 'error')).payload).toMatchObject({ error: 'timer_running' });
    const stopped = await b.client.next('timer', 'stopped', undefined, 3000);
    expect(stopped.payload).toMatchObject({ timer_id: started.payload['timer_id'], reason: 'expired' });

    a.client.send('timer', { action: 'start', kind: 'stopwatch' });
    await b.client.next('timer', 'started');
    b.client.send('timer', { action: 'update_ready_status', ready: true });
    expect((await b.client.next('timer', 'error')).payload).toMatchObject({ error: 'ready_check_disabled' });
    a.client.send('timer', { action: 'stop' });
    expect((await b.client.next('timer', 'stopped')).payload).toMatchObject({ reason: 'by_moderator' });
  });

  it('polls: live single choice and hidden multiple choice, one vote each, results when done', async () => {
    const { a, b, c } = await meeting();
    a.client.send('polls', {
      action: 'start',
      topic: 'Pizza?',
      choices: ['ja', 'nein'],
      live: true,
      duration: 60,
    });
    const poll = (await b.client.next('polls', 'started')).payload;
    const pollId = poll['id'] as string;
    b.client.send('polls', { action: 'vote', poll_id: pollId, choice_ids: [0] });
    await b.client.next('polls', 'voted');
    expect((await c.client.next('polls', 'live_update')).payload['results']).toEqual([
      { id: 0, count: 1 },
      { id: 1, count: 0 },
    ]);
    b.client.send('polls', { action: 'vote', poll_id: pollId, choice_ids: [1] });
    expect((await b.client.next('polls', 'error')).payload).toMatchObject({ error: 'already_voted' });
    c.client.send('polls', { action: 'vote', poll_id: pollId, choice_ids: [0, 1] });
    expect((await c.client.next('polls', 'error')).payload).toMatchObject({ error: 'invalid_choice' });
    c.client.send('polls', { action: 'finish', poll_id: pollId });
    expect((await c.client.next('polls', 'error')).payload).toMatchObject({
      error: 'insufficient_permissions',
    });
    a.client.send('polls', { action: 'finish', poll_id: pollId });
    expect((await c.client.next('polls', 'done')).payload['results']).toEqual([
      { id: 0, count: 1 },
      { id: 1, count: 0 },
    ]);

    a.client.send('polls', {
      action: 'start',
      topic: 'Termine',
      choices: ['Mo', 'Di', 'Mi'],
      multiple_choice: true,
      live: false,
      duration: 5,
    });
    const hidden = (await c.client.next('polls', 'started', (p) => p['topic'] === 'Termine')).payload[
      'id'
    ] as string;
    c.client.send('polls', { action: 'vote', poll_id: hidden, choice_ids: [0, 2] });
    await c.client.next('polls', 'voted');
    c.client.send('polls', { action: 'vote', poll_id: hidden, choice_ids: [7] });
    expect(await nothingArrives(b.client, 'polls', 'live_update', 200, (p) => p['id'] === hidden)).toBe(true);
    const done = await b.client.next('polls', 'done', (p) => p['id'] === hidden, 7000);
    expect(done.payload['results']).toEqual([
      { id: 0, count: 1 },
      { id: 1, count: 0 },
      { id: 2, count: 1 },
    ]);
  });

  it('breakout: assigned rooms scope the chat, people switch, a close notice comes, everyone returns', async () => {
    const { a, b, c } = await meeting();
    b.client.send('breakout', { action: 'start_random', count: 2 });
    expect((await b.client.next('breakout', 'error')).payload).toMatchObject({
      error: 'insufficient_permissions',
    });
    a.client.send('breakout', {
      action: 'start',
      rooms: [
        { name: 'Team Blau', assignments: [b.me.id] },
        { name: 'Team Grün', assignments: [c.me.id] },
      ],
    });
    const startedB = (await b.client.next('breakout', 'started')).payload;
    expect(startedB).toMatchObject({
      my_room: 'b1',
      rooms: [
        { id: 'b1', name: 'Team Blau' },
        { id: 'b2', name: 'Team Grün' },
      ],
    });
    expect((await c.client.next('breakout', 'started')).payload['my_room']).toBe('b2');
    expect((await a.client.next('breakout', 'started')).payload['my_room']).toBeNull();

    b.client.send('chat', { action: 'send_message', scope: 'global', content: 'nur Blau' });
    await b.client.next('chat', 'message_sent');
    expect(await nothingArrives(c.client, 'chat', 'message_sent', 200)).toBe(true);

    c.client.send('breakout', { action: 'switch_room', room: 'b1' });
    await c.client.next('breakout', 'switched_room');
    expect((await b.client.next('breakout', 'participant_switched_room')).payload).toMatchObject({
      id: c.me.id,
      room: 'b1',
    });
    c.client.send('breakout', { action: 'switch_room', room: 'b9' });
    expect((await c.client.next('breakout', 'error')).payload).toMatchObject({
      error: 'no_such_breakout_room',
    });
    b.client.send('chat', { action: 'send_message', scope: 'global', content: 'Blau mit Carol' });
    expect((await c.client.next('chat', 'message_sent')).payload['content']).toBe('Blau mit Carol');

    a.client.send('breakout', { action: 'stop', delay: 1 });
    expect((await b.client.next('breakout', 'close_notice')).payload['closes_at']).toEqual(
      expect.any(String),
    );
    await b.client.next('breakout', 'closed', undefined, 3000);
    await c.client.next('breakout', 'closed', undefined, 3000);
    // Back in the main room: the global chat reaches everyone again.
    b.client.send('chat', { action: 'send_message', scope: 'global', content: 'zurück' });
    expect((await a.client.next('chat', 'message_sent')).payload['content']).toBe('zurück');
    expect(
      (await c.client.next('chat', 'message_sent', (p) => p['content'] === 'zurück')).payload['source'],
    ).toBe(b.me.id);

    a.client.send('breakout', { action: 'start_random', count: 2, duration: 10 });
    const rooms = [
      (await b.client.next('breakout', 'started')).payload['my_room'],
      (await c.client.next('breakout', 'started')).payload['my_room'],
    ];
    expect(rooms.sort()).toEqual(['b1', 'b2']);
    a.client.send('breakout', { action: 'stop' });
    await b.client.next('breakout', 'closed');
  });

  it('join_success carries every module state for a late joiner', async () => {
    const { roomId, a } = await meeting();
    a.client.send('timer', { action: 'start', kind: 'stopwatch', title: 'Läuft' });
    await a.client.next('timer', 'started');
    a.client.send('polls', { action: 'start', topic: 'Q', choices: ['x', 'y'], live: true, duration: 60 });
    await a.client.next('polls', 'started');
    const invite = await guestLink(world.api, world.alice, roomId);
    const g = await join(roomId, { invite }, { display_name: 'Gast' });
    expect(g.me.modules).toMatchObject({
      raise_hands: { enabled: true },
      chat: { enabled: true, history: [] },
      timer: { kind: 'stopwatch', title: 'Läuft' },
      polls: {
        topic: 'Q',
        voted: false,
        results: [
          { id: 0, count: 0 },
          { id: 1, count: 0 },
        ],
      },
      breakout: null,
    });
    expect(g.me.modules).not.toHaveProperty('moderation');
    expect(g.me.participants[0]).toMatchObject({ raise_hands: { hand_is_up: false } });
  });
});
