import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { MeetingSession, type SessionStatus } from './meeting-session.js';

/** A WebSocket the test drives: it records what the client sends and lets the test answer or close. */
class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: { namespace: string; payload: Record<string, unknown> }[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
    FakeSocket.all.push(this);
    queueMicrotask(() => {
      this.readyState = 1;
      this.onopen?.({});
    });
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as { namespace: string; payload: Record<string, unknown> });
  }
  close(code = 1000, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  receive(namespace: string, payload: Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify({ namespace, timestamp: new Date().toISOString(), payload }) });
  }
}

const joinSuccess = (resumption: string) => ({
  message: 'join_success',
  protocol_version: '1.0',
  id: 'me',
  display_name: 'Gustav',
  role: 'guest',
  participation_kind: 'guest',
  is_room_owner: false,
  resumption,
  room: { id: 'room-1', waiting_room: false, guest_access: 'direct_access' },
  event: null,
  dial_in: null,
  participants: [],
  modules: {},
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

describe('meeting session', () => {
  let starts = 0;
  beforeEach(() => {
    FakeSocket.all = [];
    starts = 0;
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.stubGlobal(
      'fetch',
      vi.fn(() => {
        starts++;
        return Promise.resolve(
          new Response(JSON.stringify({ ticket: 't', signaling_url: `ws://node/signaling/t${starts}` }), {
            status: 200,
          }),
        );
      }),
    );
  });
  afterEach(() => vi.unstubAllGlobals());

  function session(): { session: MeetingSession; phases: SessionStatus['phase'][] } {
    const created = new MeetingSession({
      roomId: 'room-1',
      credentials: { kind: 'guest', inviteCode: 'code' },
      password: undefined,
      displayName: 'Gustav',
    });
    const phases: SessionStatus['phase'][] = [];
    created.subscribe(() => phases.push(created.snapshot().phase));
    return { session: created, phases };
  }

  it('joins with the display name, waits when told, and enters once accepted', async () => {
    const { session: s, phases } = session();
    await s.start();
    const socket = FakeSocket.all[0]!;
    expect(socket.sent[0]).toEqual({
      namespace: 'control',
      payload: { action: 'join', display_name: 'Gustav' },
    });
    socket.receive('control', { message: 'in_waiting_room', resumption: 'r0' });
    socket.receive('moderation', { message: 'accepted' });
    expect(socket.sent[1]).toEqual({ namespace: 'control', payload: { action: 'enter_room' } });
    socket.receive('control', joinSuccess('r1'));
    expect(phases).toEqual(['waiting', 'in_room']);
  });

  it('after a network loss gets a new ticket and rejoins with the resumption token', async () => {
    const { session: s, phases } = session();
    await s.start();
    FakeSocket.all[0]!.receive('control', joinSuccess('resume-me'));
    FakeSocket.all[0]!.close(1006, '');
    await until(() => FakeSocket.all.length === 2 && FakeSocket.all[1]!.sent.length === 1);
    expect(starts).toBe(2);
    expect(FakeSocket.all[1]!.sent[0]).toEqual({
      namespace: 'control',
      payload: { action: 'join', resumption: 'resume-me' },
    });
    FakeSocket.all[1]!.receive('control', joinSuccess('resume-again'));
    expect(phases).toEqual(['in_room', 'reconnecting', 'in_room']);
  });

  it('ends with the reason the close code gives, and does not reconnect then', async () => {
    for (const [code, reason] of [
      [4001, 'kicked'],
      [4002, 'banned'],
      [4003, 'ended'],
    ] as const) {
      const { session: s } = session();
      await s.start();
      const socket = FakeSocket.all.at(-1)!;
      socket.receive('control', joinSuccess('r'));
      socket.close(code, '');
      await until(() => s.snapshot().phase === 'ended');
      expect(s.snapshot()).toEqual({ phase: 'ended', reason });
    }
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(starts).toBe(3);
  });

  it('refuses to start with the API problem when no ticket is given', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(
          new Response(
            JSON.stringify({ code: 'unauthorized', title: 'Access denied', detail: 'wrong room password' }),
            {
              status: 401,
            },
          ),
        ),
      ),
    );
    const { session: s } = session();
    await expect(s.start()).rejects.toMatchObject({ status: 401, detail: 'wrong room password' });
    expect(FakeSocket.all).toHaveLength(0);
  });
});
