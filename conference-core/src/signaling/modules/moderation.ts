import { z } from 'zod';

import type { JsonValue } from '../../json.js';
import { closeCodes } from '../protocol/envelope.js';
import { defineModule, type CommandContext } from '../runtime/module.js';
import type { Participant } from '../runtime/participant.js';
import { displayNameSchema, findTarget, participantId } from './shared.js';

const target = { target: participantId };

/** `moderation`: the moderator's tools. Every action is moderator-only. */
export const moderationCommands = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('kick'), ...target }),
  z.strictObject({ action: z.literal('ban'), ...target }),
  z.strictObject({ action: z.literal('send_to_waiting_room'), ...target }),
  z.strictObject({ action: z.literal('accept'), ...target }),
  z.strictObject({ action: z.literal('accept_all') }),
  z.strictObject({ action: z.literal('enable_waiting_room') }),
  z.strictObject({ action: z.literal('disable_waiting_room') }),
  z.strictObject({ action: z.literal('grant_moderator'), ...target }),
  z.strictObject({ action: z.literal('revoke_moderator'), ...target }),
  z.strictObject({ action: z.literal('request_mute'), targets: z.array(participantId).min(1).max(1000) }),
  z.strictObject({ action: z.literal('request_mute_all') }),
  z.strictObject({ action: z.literal('change_display_name'), ...target, display_name: displayNameSchema }),
  /** all: everybody leaves and the room closes; guests: guests and phone callers leave (debriefing). */
  z.strictObject({ action: z.literal('end_meeting'), scope: z.enum(['all', 'guests']) }),
]);
export type ModerationCommand = z.infer<typeof moderationCommands>;

type Ctx = CommandContext<undefined, undefined>;

function targetOf(ctx: Ctx, id: string, options: { inRoom?: boolean } = {}): Participant | undefined {
  const found = findTarget(ctx.room, id);
  if (found === undefined || (options.inRoom === true && found.state !== 'in_room')) {
    ctx.fail('unknown_participant', `no participant ${id} here`);
    return undefined;
  }
  if (found === ctx.from) {
    ctx.fail('cannot_target_self', 'a moderator cannot do this to themselves');
    return undefined;
  }
  return found;
}

export const moderationModule = defineModule<ModerationCommand, undefined, undefined>({
  namespace: 'moderation',
  commands: moderationCommands,
  moderatorActions: new Set(moderationCommands.options.map((o) => o.shape.action.value)),
  createRoomState: () => undefined,
  createPeerState: () => undefined,
  joinState(room, _state, viewer): JsonValue | undefined {
    if (viewer.role !== 'moderator') return undefined;
    return {
      waiting_room_enabled: room.waitingRoomEnabled,
      waiting: [...room.participants.values()]
        .filter((p) => p.state !== 'in_room')
        .map((p) => ({ ...room.waitingView(p), accepted: p.state === 'accepted' })),
    };
  },
  handle(ctx, command) {
    const { room, from } = ctx;
    switch (command.action) {
      case 'kick': {
        const t = targetOf(ctx, command.target);
        if (t === undefined) return;
        if (room.isOwner(t)) return ctx.fail('cannot_kick_owner', 'the room owner cannot be kicked');
        room.send(t, 'moderation', { message: 'kicked', by: from.id });
        room.remove(t, 'kicked', { code: closeCodes.kicked, reason: 'kicked' });
        return;
      }
      case 'ban': {
        const t = targetOf(ctx, command.target);
        if (t === undefined) return;
        if (room.isOwner(t)) return ctx.fail('cannot_ban_owner', 'the room owner cannot be banned');
        // Guests and phone callers have no stable identity to ban: they are kicked.
        if (t.userId === undefined) {
          room.send(t, 'moderation', { message: 'kicked', by: from.id });
          room.remove(t, 'kicked', { code: closeCodes.kicked, reason: 'kicked' });
          return;
        }
        room.bannedUsers.add(t.userId);
        // Every tab of the banned user goes.
        for (const p of [...room.participants.values()]) {
          if (p.userId !== t.userId) continue;
          room.send(p, 'moderation', { message: 'banned', by: from.id });
          room.remove(p, 'banned', { code: closeCodes.banned, reason: 'banned' });
        }
        return;
      }
      case 'send_to_waiting_room': {
        const t = targetOf(ctx, command.target, { inRoom: true });
        if (t === undefined) return;
        if (room.isOwner(t)) return ctx.fail('cannot_kick_owner', 'the room owner cannot be sent away');
        room.sendToWaitingRoom(t);
        return;
      }
      case 'accept': {
        const t = findTarget(room, command.target);
        if (t?.state !== 'waiting') return ctx.fail('unknown_participant', 'nobody waits with that id');
        room.accept(t);
        return;
      }
      case 'accept_all':
        for (const p of [...room.participants.values()]) if (p.state === 'waiting') room.accept(p);
        return;
      case 'enable_waiting_room':
      case 'disable_waiting_room':
        room.waitingRoomEnabled = command.action === 'enable_waiting_room';
        room.broadcast('moderation', {
          message: room.waitingRoomEnabled ? 'waiting_room_enabled' : 'waiting_room_disabled',
        });
        return;
      case 'grant_moderator':
      case 'revoke_moderator': {
        const t = targetOf(ctx, command.target, { inRoom: true });
        if (t === undefined) return;
        if (t.kind !== 'user')
          return ctx.fail('cannot_change_guest_role', 'only registered users can moderate');
        if (command.action === 'revoke_moderator' && room.isOwner(t)) {
          return ctx.fail('cannot_revoke_owner', 'the room owner stays moderator');
        }
        t.role = command.action === 'grant_moderator' ? 'moderator' : 'user';
        room.send(t, 'moderation', { message: 'role_updated', role: t.role });
        room.announceUpdate(t);
        return;
      }
      case 'request_mute': {
        const targets = command.targets.map((id) => findTarget(room, id));
        if (targets.some((t) => t?.state !== 'in_room')) {
          return ctx.fail('unknown_participant', 'one of the targets is not in the room');
        }
        for (const t of targets)
          if (t !== undefined) room.send(t, 'moderation', { message: 'mute_requested', by: from.id });
        return;
      }
      case 'request_mute_all':
        room.broadcast('moderation', { message: 'mute_requested', by: from.id }, { except: from });
        return;
      case 'change_display_name': {
        const t = targetOf(ctx, command.target, { inRoom: true });
        if (t === undefined) return;
        t.displayName = command.display_name;
        room.send(t, 'moderation', {
          message: 'display_name_changed',
          display_name: t.displayName,
          by: from.id,
        });
        room.announceUpdate(t);
        return;
      }
      case 'end_meeting': {
        if (command.scope === 'all') {
          // The waiting room too: everyone is told before the room closes.
          const ended = room.frame('moderation', { message: 'session_ended', scope: 'all', by: from.id });
          for (const p of room.participants.values()) room.sendFrame(p, ended);
          room.close({ code: closeCodes.ended, reason: 'meeting ended' });
          return;
        }
        const ended = room.frame('moderation', { message: 'session_ended', scope: 'guests', by: from.id });
        for (const p of [...room.participants.values()]) {
          if (p.kind === 'user') continue;
          room.sendFrame(p, ended);
          room.remove(p, 'kicked', { code: closeCodes.ended, reason: 'meeting ended for guests' });
        }
        room.broadcast('moderation', { message: 'debriefing_started', by: from.id });
        return;
      }
    }
  },
});
