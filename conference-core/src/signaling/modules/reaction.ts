import { z } from 'zod';

import { defineModule } from '../runtime/module.js';

/** `reaction`: a short emoji shown briefly beside the sender; nothing is stored. */
export const reactionCommands = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('react'),
    // One emoji (with modifiers and joiners it can take several code points), no text.
    emoji: z
      .string()
      .min(1)
      .max(32)
      .regex(
        /^(?=.*\p{Extended_Pictographic})(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\u200d|\ufe0f)+$/u,
        'expected an emoji',
      ),
  }),
]);
export type ReactionCommand = z.infer<typeof reactionCommands>;

export const reactionModule = defineModule<ReactionCommand, undefined, undefined>({
  namespace: 'reaction',
  commands: reactionCommands,
  moderatorActions: new Set(),
  createRoomState: () => undefined,
  createPeerState: () => undefined,
  handle({ room, from }, command) {
    room.broadcast('reaction', { message: 'reacted', id: from.id, emoji: command.emoji });
  },
});
