import type { JoinSuccess, ReceivedFrame } from '@vc/conference-core/signaling-client';

/**
 * The meeting as this participant sees it, folded from `join_success` and the frames after it
 * (PROTOCOL.md section 3). Pure: `reduceFrame(state, frame)` returns the next state.
 */

export type Role = 'moderator' | 'user' | 'guest';
export type Kind = 'user' | 'guest' | 'phone';

export interface Person {
  readonly id: string;
  readonly displayName: string;
  readonly role: Role;
  readonly kind: Kind;
  readonly isOwner: boolean;
  readonly handUp: boolean;
  readonly handUpdatedAt: string | null;
  readonly ready: boolean | undefined;
  readonly breakoutRoom: string | null;
}

export interface ChatMessage {
  readonly id: string;
  readonly source: string;
  readonly scope: 'global' | 'private';
  readonly target: string | undefined;
  readonly content: string;
  readonly timestamp: string;
}

export interface Waiting {
  readonly id: string;
  readonly displayName: string;
  readonly kind: Kind;
}

export interface Timer {
  readonly id: string;
  readonly kind: 'countdown' | 'stopwatch';
  readonly style: 'normal' | 'coffee_break';
  readonly title: string | null;
  readonly startedAt: string;
  readonly endsAt: string | null;
  readonly readyCheck: boolean;
}

export interface Poll {
  readonly id: string;
  readonly topic: string;
  readonly choices: readonly { id: number; content: string }[];
  readonly multipleChoice: boolean;
  readonly live: boolean;
  readonly endsAt: string;
  readonly results: readonly { id: number; count: number }[] | undefined;
  readonly voted: boolean;
}

export interface Breakout {
  readonly rooms: readonly { id: string; name: string }[];
  readonly closesAt: string | null;
}

/** Something to tell the person once (a toast), by its catalog key and values. */
export interface Notice {
  readonly seq: number;
  readonly key: string;
  readonly values: Readonly<Record<string, string>>;
  readonly tone: 'info' | 'warning';
  /** The participant it is about, when it stops being news once they are gone (a waiting guest). */
  readonly about?: string;
}

export interface RoomState {
  readonly selfId: string;
  readonly role: Role;
  readonly roomId: string;
  readonly title: string | null;
  readonly dialIn: { conferenceId: string; pin: string } | null;
  readonly people: ReadonlyMap<string, Person>;
  readonly chat: readonly ChatMessage[];
  readonly chatEnabled: boolean;
  readonly raiseHandsEnabled: boolean;
  readonly waitingRoomEnabled: boolean;
  readonly waiting: readonly Waiting[];
  readonly timer: Timer | null;
  readonly poll: Poll | null;
  readonly lastPoll: {
    topic: string;
    results: readonly { id: number; count: number }[];
    choices: Poll['choices'];
  } | null;
  readonly breakout: Breakout | null;
  readonly reactions: readonly { seq: number; id: string; emoji: string }[];
  readonly notices: readonly Notice[];
  readonly muteRequested: number;
  readonly seq: number;
}

type Raw = Record<string, unknown>;
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

function person(raw: Raw): Person {
  const control = (raw['control'] ?? {}) as Raw;
  const hands = (raw['raise_hands'] ?? {}) as Raw;
  const timer = (raw['timer'] ?? {}) as Raw;
  const breakout = (raw['breakout'] ?? {}) as Raw;
  return {
    id: str(raw['id']),
    displayName: str(control['display_name']),
    role: (control['role'] as Role | undefined) ?? 'guest',
    kind: (control['participation_kind'] as Kind | undefined) ?? 'guest',
    isOwner: control['is_room_owner'] === true,
    handUp: hands['hand_is_up'] === true,
    handUpdatedAt: typeof hands['hand_updated_at'] === 'string' ? hands['hand_updated_at'] : null,
    ready: typeof timer['ready_status'] === 'boolean' ? timer['ready_status'] : undefined,
    breakoutRoom: typeof breakout['room'] === 'string' ? breakout['room'] : null,
  };
}

function chatMessage(raw: Raw): ChatMessage {
  return {
    id: str(raw['id']),
    source: str(raw['source']),
    scope: raw['scope'] === 'private' ? 'private' : 'global',
    target: typeof raw['target'] === 'string' ? raw['target'] : undefined,
    content: str(raw['content']),
    timestamp: str(raw['timestamp']),
  };
}

function timerOf(raw: Raw | null | undefined): Timer | null {
  if (raw === null || raw === undefined) return null;
  return {
    id: str(raw['timer_id']),
    kind: raw['kind'] === 'stopwatch' ? 'stopwatch' : 'countdown',
    style: raw['style'] === 'coffee_break' ? 'coffee_break' : 'normal',
    title: typeof raw['title'] === 'string' ? raw['title'] : null,
    startedAt: str(raw['started_at']),
    endsAt: typeof raw['ends_at'] === 'string' ? raw['ends_at'] : null,
    readyCheck: raw['ready_check_enabled'] === true,
  };
}

function pollOf(raw: Raw | null | undefined): Poll | null {
  if (raw === null || raw === undefined) return null;
  return {
    id: str(raw['id']),
    topic: str(raw['topic']),
    choices: (raw['choices'] as Poll['choices'] | undefined) ?? [],
    multipleChoice: raw['multiple_choice'] === true,
    live: raw['live'] === true,
    endsAt: str(raw['ends_at']),
    results: raw['results'] as Poll['results'],
    voted: raw['voted'] === true,
  };
}

function waitingOf(raw: Raw): Waiting {
  const control = (raw['control'] ?? {}) as Raw;
  return {
    id: str(raw['id']),
    displayName: str(control['display_name']),
    kind: (control['participation_kind'] as Kind | undefined) ?? 'guest',
  };
}

export function initialState(join: JoinSuccess): RoomState {
  const modules = join.modules as Record<string, Raw | null | undefined>;
  const self = person({
    id: join.id,
    control: {
      display_name: join.display_name,
      role: join.role,
      participation_kind: join.participation_kind,
      is_room_owner: join.is_room_owner,
    },
  });
  const people = new Map<string, Person>([[self.id, self]]);
  for (const raw of join.participants) people.set(raw.id, person(raw));
  const chat = modules['chat'] ?? {};
  const moderation = modules['moderation'];
  return {
    selfId: join.id,
    role: join.role,
    roomId: join.room.id,
    title: join.event?.title ?? null,
    dialIn:
      join.dial_in === null ? null : { conferenceId: join.dial_in.conference_id, pin: join.dial_in.pin },
    people,
    chat: ((chat['history'] as Raw[] | undefined) ?? []).map(chatMessage),
    chatEnabled: chat['enabled'] !== false,
    raiseHandsEnabled: modules['raise_hands']?.['enabled'] !== false,
    waitingRoomEnabled: moderation?.['waiting_room_enabled'] === true || join.room.waiting_room,
    waiting: ((moderation?.['waiting'] as Raw[] | undefined) ?? []).map(waitingOf),
    timer: timerOf(modules['timer']),
    poll: pollOf(modules['polls']),
    lastPoll: null,
    breakout: null,
    reactions: [],
    notices: [],
    muteRequested: 0,
    seq: 0,
  };
}

function withPerson(state: RoomState, id: string, change: (p: Person) => Person): RoomState {
  const current = state.people.get(id);
  if (current === undefined) return state;
  const people = new Map(state.people);
  people.set(id, change(current));
  return { ...state, people };
}

function notify(
  state: RoomState,
  key: string,
  values: Record<string, string> = {},
  tone: Notice['tone'] = 'info',
  about?: string,
): RoomState {
  const seq = state.seq + 1;
  const notice: Notice = { seq, key, values, tone, ...(about === undefined ? {} : { about }) };
  return { ...state, seq, notices: [...state.notices.slice(-4), notice] };
}

const nameOf = (state: RoomState, id: unknown): string => state.people.get(str(id))?.displayName ?? '?';

export function reduceFrame(state: RoomState, frame: ReceivedFrame): RoomState {
  const p = frame.payload as Raw & { message: string };
  switch (`${frame.namespace}.${p.message}`) {
    case 'control.joined':
    case 'control.update': {
      const next = person(p['participant'] as Raw);
      const people = new Map(state.people);
      people.set(next.id, next);
      const role = next.id === state.selfId ? next.role : state.role;
      return { ...state, people, role };
    }
    case 'control.left': {
      const people = new Map(state.people);
      people.delete(str(p['id']));
      return { ...state, people };
    }
    case 'chat.message_sent':
      return { ...state, chat: [...state.chat.slice(-999), chatMessage(p)] };
    case 'chat.chat_enabled':
      return notify({ ...state, chatEnabled: true }, 'room.notice.chatEnabled');
    case 'chat.chat_disabled':
      return notify({ ...state, chatEnabled: false }, 'room.notice.chatDisabled');
    case 'chat.history_cleared':
      return { ...state, chat: [] };
    case 'raise_hands.hand_raised':
      return withPerson(state, str(p['id']), (x) => ({ ...x, handUp: true, handUpdatedAt: frame.timestamp }));
    case 'raise_hands.hand_lowered':
      return withPerson(state, str(p['id']), (x) => ({ ...x, handUp: false }));
    case 'raise_hands.raised_hands_reset_by_moderator':
    case 'raise_hands.raise_hands_disabled': {
      const people = new Map([...state.people].map(([id, x]) => [id, { ...x, handUp: false }]));
      return { ...state, people, raiseHandsEnabled: p.message !== 'raise_hands_disabled' };
    }
    case 'raise_hands.raise_hands_enabled':
      return { ...state, raiseHandsEnabled: true };
    case 'reaction.reacted': {
      const seq = state.seq + 1;
      return {
        ...state,
        seq,
        reactions: [...state.reactions.slice(-9), { seq, id: str(p['id']), emoji: str(p['emoji']) }],
      };
    }
    case 'moderation.joined_waiting_room': {
      const waiting = waitingOf(p['participant'] as Raw);
      return notify(
        { ...state, waiting: [...state.waiting.filter((w) => w.id !== waiting.id), waiting] },
        'room.notice.someoneWaits',
        { name: waiting.displayName },
        'info',
        waiting.id,
      );
    }
    case 'moderation.left_waiting_room': {
      const id = str(p['id']);
      return {
        ...state,
        waiting: state.waiting.filter((w) => w.id !== id),
        notices: state.notices.filter((n) => n.about !== id),
      };
    }
    case 'moderation.waiting_room_enabled':
      return { ...state, waitingRoomEnabled: true };
    case 'moderation.waiting_room_disabled':
      return { ...state, waitingRoomEnabled: false };
    case 'moderation.mute_requested':
      return notify(
        { ...state, muteRequested: state.muteRequested + 1 },
        'room.notice.muteRequested',
        { name: nameOf(state, p['by']) },
        'warning',
      );
    case 'moderation.role_updated':
      return notify(
        { ...state, role: (p['role'] as Role | undefined) ?? state.role },
        'room.notice.roleUpdated',
        {
          role: str(p['role']),
        },
      );
    case 'moderation.display_name_changed':
      return notify(state, 'room.notice.renamed', { name: str(p['display_name']) });
    case 'moderation.debriefing_started':
      return notify(state, 'room.notice.debriefing');
    case 'timer.started':
      return { ...state, timer: timerOf(p) };
    case 'timer.stopped':
      return { ...state, timer: null };
    case 'timer.updated_ready_status':
      return withPerson(state, str(p['participant_id']), (x) => ({ ...x, ready: p['ready'] === true }));
    case 'polls.started':
      return { ...state, poll: pollOf(p) };
    case 'polls.voted':
      return state.poll === null ? state : { ...state, poll: { ...state.poll, voted: true } };
    case 'polls.live_update':
      return state.poll === null
        ? state
        : { ...state, poll: { ...state.poll, results: p['results'] as Poll['results'] } };
    case 'polls.done':
      return {
        ...state,
        poll: null,
        lastPoll: {
          topic: str(p['topic']),
          results: (p['results'] as Poll['results']) ?? [],
          choices: state.poll?.choices ?? [],
        },
      };
    case 'breakout.started': {
      // Everyone's room comes in `assignments` (moderators of a random start stay in the main room).
      const assignments = (p['assignments'] ?? {}) as Record<string, string | null>;
      const people = new Map(
        [...state.people].map(([id, x]) => [id, { ...x, breakoutRoom: assignments[id] ?? null }]),
      );
      const rooms = (p['rooms'] as Breakout['rooms'] | undefined) ?? [];
      return notify({ ...state, people, breakout: { rooms, closesAt: null } }, 'room.notice.breakoutStarted');
    }
    case 'breakout.close_notice':
      return state.breakout === null
        ? state
        : { ...state, breakout: { ...state.breakout, closesAt: str(p['closes_at']) } };
    case 'breakout.closed': {
      const people = new Map([...state.people].map(([id, x]) => [id, { ...x, breakoutRoom: null }]));
      return notify({ ...state, people, breakout: null }, 'room.notice.breakoutClosed');
    }
    case 'breakout.switched_room':
      return withPerson(state, state.selfId, (x) => ({
        ...x,
        breakoutRoom: typeof p['room'] === 'string' ? p['room'] : null,
      }));
    case 'breakout.participant_switched_room':
      return withPerson(state, str(p['id']), (x) => ({
        ...x,
        breakoutRoom: typeof p['room'] === 'string' ? p['room'] : null,
      }));
    default:
      if (p.message === 'error') {
        return notify(state, `room.error.${str(p['error'])}`, { detail: str(p['detail']) }, 'warning');
      }
      return state;
  }
}
