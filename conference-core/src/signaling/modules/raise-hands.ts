import { z } from 'zod';

import { defineModule } from '../runtime/module.js';

/** `raise_hands`: raise and lower one's hand; moderators reset all hands or switch the feature off. */
export const raiseHandsCommands = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('raise_hand') }),
  z.strictObject({ action: z.literal('lower_hand') }),
  z.strictObject({ action: z.literal('reset_raised_hands') }),
  z.strictObject({ action: z.literal('enable_raise_hands') }),
  z.strictObject({ action: z.literal('disable_raise_hands') }),
]);
export type RaiseHandsCommand = z.infer<typeof raiseHandsCommands>;

interface Hand {
  up: boolean;
  updatedAt: string | null;
}

export const raiseHandsModule = defineModule<RaiseHandsCommand, { enabled: boolean }, Hand>({
  namespace: 'raise_hands',
  commands: raiseHandsCommands,
  moderatorActions: new Set(['reset_raised_hands', 'enable_raise_hands', 'disable_raise_hands']),
  createRoomState: () => ({ enabled: true }),
  createPeerState: () => ({ up: false, updatedAt: null }),
  joinState: (_room, state) => ({ enabled: state.enabled }),
  peerView: (_room, hand) => ({ hand_is_up: hand.up, hand_updated_at: hand.updatedAt }),
  onLeft(_room, _state, participant) {
    const hand = participant.modules.get('raise_hands') as Hand;
    hand.up = false;
    hand.updatedAt = null;
  },
  handle({ room, state, from, peer, fail }, command) {
    const setHand = (p: typeof from, hand: Hand, up: boolean): void => {
      hand.up = up;
      hand.updatedAt = room.now().toISOString();
      room.broadcast('raise_hands', { message: up ? 'hand_raised' : 'hand_lowered', id: p.id });
      room.announceUpdate(p);
    };
    switch (command.action) {
      case 'raise_hand':
        if (!state.enabled) return fail('insufficient_permissions', 'raising hands is disabled');
        if (!peer.up) setHand(from, peer, true);
        return;
      case 'lower_hand':
        if (peer.up) setHand(from, peer, false);
        return;
      case 'reset_raised_hands':
        for (const p of room.inRoom()) {
          const hand = p.modules.get('raise_hands') as Hand;
          if (hand.up) setHand(p, hand, false);
        }
        room.broadcast('raise_hands', { message: 'raised_hands_reset_by_moderator', by: from.id });
        return;
      case 'enable_raise_hands':
      case 'disable_raise_hands':
        state.enabled = command.action === 'enable_raise_hands';
        if (!state.enabled) {
          for (const p of room.inRoom()) {
            const hand = p.modules.get('raise_hands') as Hand;
            if (hand.up) setHand(p, hand, false);
          }
        }
        room.broadcast('raise_hands', {
          message: state.enabled ? 'raise_hands_enabled' : 'raise_hands_disabled',
        });
        return;
    }
  },
});
