import { z } from 'zod';

import { closeCodes } from '../protocol/envelope.js';
import { defineModule } from '../runtime/module.js';
import { displayNameSchema } from './shared.js';

/**
 * `control`: joining, entering from the waiting room, leaving, one's own display name. `join` is
 * the first frame of every connection and is handled by the session (there is no participant
 * yet); it is part of this union so it is validated like every other command.
 */
export const controlCommands = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('join'),
    display_name: displayNameSchema.optional(),
    /** The token from an earlier `join_success`/`in_waiting_room`: take that participant over. */
    resumption: z.string().min(1).max(100).optional(),
  }),
  z.strictObject({ action: z.literal('enter_room') }),
  z.strictObject({ action: z.literal('leave') }),
  z.strictObject({ action: z.literal('set_display_name'), display_name: displayNameSchema }),
]);
export type ControlCommand = z.infer<typeof controlCommands>;

export const controlModule = defineModule<ControlCommand, undefined, undefined>({
  namespace: 'control',
  commands: controlCommands,
  moderatorActions: new Set(),
  waitingActions: new Set(['enter_room', 'leave', 'set_display_name']),
  createRoomState: () => undefined,
  createPeerState: () => undefined,
  handle({ room, from, fail }, command) {
    switch (command.action) {
      case 'join':
        fail('already_joined', 'this connection has joined already');
        return;
      case 'enter_room':
        if (from.state === 'in_room') fail('already_joined', 'already in the room');
        else if (from.state !== 'accepted') fail('not_accepted', 'wait until a moderator accepts you');
        else room.enter(from);
        return;
      case 'leave':
        room.remove(from, 'quit', { code: closeCodes.left, reason: 'left' });
        return;
      case 'set_display_name':
        from.displayName = command.display_name;
        room.announceUpdate(from);
        return;
    }
  },
});
