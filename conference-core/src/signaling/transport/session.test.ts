import { randomUUID } from 'node:crypto';

import { z } from 'zod';
import { describe, expect, it } from 'vitest';

import { silentLogger } from '../../logging/logger.js';
import { signalingModules } from '../modules/registry.js';
import { defineModule } from '../runtime/module.js';
import type { Admission, Connection } from '../runtime/participant.js';
import type { RoomDirectory } from '../runtime/room-info.js';
import { RoomManager } from '../runtime/room-manager.js';
import { Session } from './session.js';
import { defaultLimits } from './token-bucket.js';

const tenantId = randomUUID();
const roomId = randomUUID();
const directory: RoomDirectory = {
  loadRoom: () =>
    Promise.resolve({
      id: roomId,
      tenantId,
      ownerId: randomUUID(),
      password: null,
      waitingRoom: false,
      guestAccess: 'direct_access',
      event: undefined,
      dialIn: undefined,
    }),
  displayNameOf: () => Promise.resolve(undefined),
};

/** A module whose handler has a bug. */
const broken = defineModule<{ action: 'boom' }, undefined, undefined>({
  namespace: 'broken',
  commands: z.discriminatedUnion('action', [z.strictObject({ action: z.literal('boom') })]),
  moderatorActions: new Set(),
  createRoomState: () => undefined,
  createPeerState: () => undefined,
  handle: () => {
    throw new Error('bug');
  },
});

function harness() {
  const modules = [...signalingModules, broken];
  const rooms = new RoomManager({
    directory,
    modules,
    logger: silentLogger,
    reconnectGraceMs: 50,
    limits: defaultLimits,
  });
  const moduleMap = new Map(modules.map((m) => [m.namespace, m]));
  const connect = (admission: Partial<Admission> = {}) => {
    const frames: { namespace: string; payload: { message: string; [k: string]: unknown } }[] = [];
    const closes: number[] = [];
    const connection: Connection = {
      send: (frame) => frames.push(JSON.parse(frame.toString('utf8')) as (typeof frames)[number]),
      close: (code) => closes.push(code),
    };
    const session = new Session(
      {
        tenantId,
        roomId,
        kind: 'guest',
        userId: undefined,
        inviteCode: 'x',
        role: 'guest',
        waitingRoom: false,
        ...admission,
      },
      connection,
      { rooms, directory, modules: moduleMap, limits: defaultLimits, logger: silentLogger },
    );
    const send = (namespace: string, payload: object) =>
      session.receive(JSON.stringify({ namespace, payload }), 10);
    return { session, frames, closes, send };
  };
  return { rooms, connect };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('Session', () => {
  it('answers a failing module handler with an error and keeps the room going', async () => {
    const { connect } = harness();
    const a = connect();
    const b = connect();
    a.send('control', { action: 'join', display_name: 'A' });
    await tick();
    b.send('control', { action: 'join', display_name: 'B' });
    await tick();
    a.send('broken', { action: 'boom' });
    expect(a.frames.at(-1)?.payload).toMatchObject({
      message: 'error',
      error: 'invalid_command',
      action: 'boom',
    });
    a.send('chat', { action: 'send_message', scope: 'global', content: 'still here' });
    expect(b.frames.at(-1)?.payload).toMatchObject({ message: 'message_sent', content: 'still here' });
  });

  it('closes the room once the last participant is gone, after the grace period for a drop', async () => {
    const { rooms, connect } = harness();
    const a = connect();
    a.send('control', { action: 'join' });
    await tick();
    expect(a.frames[0]?.payload).toMatchObject({ message: 'join_success', display_name: 'Guest' });
    expect(rooms.size).toBe(1);
    a.session.closedBy(1006);
    expect(rooms.size).toBe(1);
    await new Promise((r) => setTimeout(r, 80));
    expect(rooms.size).toBe(0);
  });

  it('does not let a second join on the same connection create a second participant', async () => {
    const { rooms, connect } = harness();
    const a = connect();
    a.send('control', { action: 'join' });
    a.send('control', { action: 'join' });
    await tick();
    expect(a.frames.map((f) => f.payload.message).sort()).toEqual(['error', 'join_success']);
    expect(rooms.get(roomId)?.participants.size).toBe(1);
  });
});
