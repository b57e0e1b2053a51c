import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { silentLogger } from '../../logging/logger.js';
import { signalingModules } from '../modules/registry.js';
import { defaultLimits } from '../transport/token-bucket.js';
import type { Admission, Connection } from './participant.js';
import { Room } from './room.js';

function room(waitingRoom = false) {
  return new Room({
    info: {
      id: randomUUID(),
      tenantId: randomUUID(),
      ownerId: randomUUID(),
      password: null,
      waitingRoom,
      guestAccess: 'direct_access',
      event: undefined,
      dialIn: undefined,
    },
    modules: signalingModules,
    logger: silentLogger,
    reconnectGraceMs: 50,
    limits: defaultLimits,
    onEmpty: () => undefined,
  });
}

function join(r: Room, admission: Partial<Admission> = {}) {
  const frames: Buffer[] = [];
  const connection: Connection = { send: (frame) => frames.push(frame), close: () => undefined };
  const participant = r.admit(
    {
      tenantId: r.info.tenantId,
      roomId: r.id,
      kind: 'guest',
      userId: undefined,
      inviteCode: 'x',
      role: 'guest',
      waitingRoom: false,
      ...admission,
    },
    'Someone',
    connection,
  );
  return { participant, frames, last: () => frames.at(-1) };
}

describe('Room broadcast', () => {
  it('hands every recipient the same serialized frame instead of one copy each', () => {
    const r = room();
    const people = [join(r), join(r), join(r)];
    r.broadcast('chat', { message: 'message_sent', content: 'Grüße' });
    const [first, ...others] = people.map((p) => p.last());
    for (const frame of others) expect(frame).toBe(first);
    expect(JSON.parse(first?.toString('utf8') ?? '')).toMatchObject({
      namespace: 'chat',
      payload: { message: 'message_sent', content: 'Grüße' },
    });
  });

  it('keeps its audience: not the waiting room, not the excluded sender', () => {
    const r = room(true);
    const moderator = join(r, { role: 'moderator' });
    const waiting = join(r);
    const waitingFrames = waiting.frames.length;
    r.broadcast('chat', { message: 'message_sent', content: 'x' }, { except: moderator.participant });
    expect(waiting.frames).toHaveLength(waitingFrames);
    expect(moderator.last()?.toString('utf8')).not.toContain('message_sent');
  });

  it('sends one frame to chosen participants, the waiting ones too', () => {
    const r = room(true);
    const moderator = join(r, { role: 'moderator' });
    const waiting = join(r);
    const frame = r.frame('moderation', { message: 'session_ended', scope: 'all', by: 'm' });
    for (const p of r.participants.values()) r.sendFrame(p, frame);
    expect(moderator.last()).toBe(frame);
    expect(waiting.last()).toBe(frame);
  });
});
