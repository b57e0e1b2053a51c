import type { JoinSuccess, ReceivedFrame } from '@vc/conference-core/signaling-client';
import { describe, expect, it } from 'vitest';

import { initialState, reduceFrame, type RoomState } from './room-state.js';

const join = {
  message: 'join_success',
  protocol_version: '1.0',
  id: 'me',
  display_name: 'Alice',
  role: 'moderator',
  participation_kind: 'user',
  is_room_owner: true,
  resumption: 'r',
  room: { id: 'room-1', waiting_room: false, guest_access: 'waiting_room' },
  event: { id: 'e', title: 'Team sync', description: '', starts_at: null, ends_at: null, is_adhoc: false },
  dial_in: null,
  participants: [
    {
      id: 'bob',
      control: {
        display_name: 'Bob',
        role: 'user',
        participation_kind: 'user',
        joined_at: '2026-12-02T10:00:00Z',
        is_room_owner: false,
      },
      raise_hands: { hand_is_up: true, hand_updated_at: '2026-12-02T10:01:00Z' },
    },
  ],
  modules: {
    chat: { enabled: true, history: [] },
    raise_hands: { enabled: true },
    moderation: { waiting_room_enabled: false, waiting: [] },
    timer: null,
    polls: null,
  },
} as unknown as JoinSuccess;

const frame = (namespace: string, payload: Record<string, unknown>): ReceivedFrame =>
  ({ namespace, timestamp: '2026-12-02T10:05:00Z', payload }) as unknown as ReceivedFrame;

function fold(...frames: ReceivedFrame[]): RoomState {
  return frames.reduce(reduceFrame, initialState(join));
}

describe('room state', () => {
  it('starts from join_success with me, the others, their hands and the meeting title', () => {
    const state = initialState(join);
    expect(state.title).toBe('Team sync');
    expect([...state.people.values()].map((p) => [p.displayName, p.role, p.handUp])).toEqual([
      ['Alice', 'moderator', false],
      ['Bob', 'user', true],
    ]);
  });

  it('follows arrivals, departures, hands and chat', () => {
    const state = fold(
      frame('control', {
        message: 'joined',
        participant: {
          id: 'g',
          control: { display_name: 'Gustav', role: 'guest', participation_kind: 'guest' },
        },
      }),
      frame('raise_hands', { message: 'hand_raised', id: 'g' }),
      frame('raise_hands', { message: 'hand_lowered', id: 'bob' }),
      frame('chat', {
        message: 'message_sent',
        id: 'm1',
        source: 'g',
        scope: 'global',
        content: '<b>hi</b>',
        timestamp: 't',
      }),
      frame('control', { message: 'left', id: 'bob', reason: 'quit' }),
    );
    expect([...state.people.keys()]).toEqual(['me', 'g']);
    expect(state.people.get('g')?.handUp).toBe(true);
    expect(state.chat.map((m) => m.content)).toEqual(['<b>hi</b>']);
  });

  it('keeps the waiting list for moderators and drops whoever was admitted', () => {
    const state = fold(
      frame('moderation', {
        message: 'joined_waiting_room',
        participant: { id: 'w', control: { display_name: 'Wanda', participation_kind: 'guest' } },
      }),
      frame('moderation', {
        message: 'joined_waiting_room',
        participant: { id: 'v', control: { display_name: 'Vera', participation_kind: 'phone' } },
      }),
      frame('moderation', { message: 'left_waiting_room', id: 'w' }),
    );
    expect(state.waiting).toEqual([{ id: 'v', displayName: 'Vera', kind: 'phone' }]);
    expect(state.notices.map((n) => n.values['name'])).toEqual(['Vera']);
  });

  it('runs a poll from start to result, and a timer from start to stop', () => {
    const started = fold(
      frame('polls', {
        message: 'started',
        id: 'p',
        topic: 'Lunch?',
        choices: [
          { id: 0, content: 'Yes' },
          { id: 1, content: 'No' },
        ],
        multiple_choice: false,
        live: true,
        duration: 60,
        ends_at: 'x',
      }),
      frame('polls', { message: 'voted', poll_id: 'p' }),
      frame('polls', {
        message: 'live_update',
        id: 'p',
        results: [
          { id: 0, count: 1 },
          { id: 1, count: 0 },
        ],
      }),
      frame('timer', {
        message: 'started',
        timer_id: 't',
        kind: 'countdown',
        style: 'coffee_break',
        title: null,
        started_at: 's',
        ends_at: 'e',
        ready_check_enabled: true,
      }),
    );
    expect(started.poll).toMatchObject({
      topic: 'Lunch?',
      voted: true,
      results: [
        { id: 0, count: 1 },
        { id: 1, count: 0 },
      ],
    });
    expect(started.timer).toMatchObject({ style: 'coffee_break', readyCheck: true });
    const done = [
      frame('polls', {
        message: 'done',
        id: 'p',
        topic: 'Lunch?',
        results: [
          { id: 0, count: 2 },
          { id: 1, count: 1 },
        ],
      }),
      frame('timer', { message: 'stopped', timer_id: 't', reason: 'by_moderator' }),
    ].reduce(reduceFrame, started);
    expect(done.poll).toBeNull();
    expect(done.lastPoll).toMatchObject({
      topic: 'Lunch?',
      results: [
        { id: 0, count: 2 },
        { id: 1, count: 1 },
      ],
    });
    expect(done.timer).toBeNull();
  });

  it('turns a module refusal into a notice and changes nothing else', () => {
    const before = initialState(join);
    const after = reduceFrame(
      before,
      frame('chat', { message: 'error', error: 'slow_down', detail: 'too fast' }),
    );
    expect(after.notices.at(-1)).toMatchObject({ key: 'room.error.slow_down', tone: 'warning' });
    expect(after.people).toBe(before.people);
    expect(after.chat).toBe(before.chat);
  });

  it('puts everyone in the breakout room the server assigned, and all back at close', () => {
    const started = fold(
      frame('breakout', {
        message: 'started',
        rooms: [{ id: 'b1', name: 'Room 1' }],
        assignments: { me: null, bob: 'b1' },
        my_room: null,
      }),
    );
    expect(started.people.get('bob')?.breakoutRoom).toBe('b1');
    expect(started.people.get('me')?.breakoutRoom).toBeNull();
    const closed = reduceFrame(started, frame('breakout', { message: 'closed' }));
    expect(closed.breakout).toBeNull();
    expect(closed.people.get('bob')?.breakoutRoom).toBeNull();
  });
});
