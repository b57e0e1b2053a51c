/** How someone takes part; from the ticket. */
export type ParticipationKind = 'user' | 'guest' | 'phone';
export type ParticipantRole = 'moderator' | 'user' | 'guest';
export type LeaveReason = 'quit' | 'timeout' | 'kicked' | 'banned' | 'sent_to_waiting_room';

/** The sending half of one WebSocket, as the room sees it: no `ws` types leak into the runtime. */
export interface Connection {
  /**
   * Sends an already serialized frame (UTF-8 JSON) as a text frame. The same Buffer may go to
   * many connections: it is only read, never changed.
   */
  send(frame: Buffer): void;
  close(code: number, reason: string): void;
}

/**
 * One participant of one room. A person with two tabs is two participants with the same
 * `userId`. `connection` is undefined during the reconnect grace period; the participant keeps
 * its place and the others notice nothing until the grace period ends.
 */
export interface Participant {
  readonly id: string;
  readonly kind: ParticipationKind;
  readonly userId: string | undefined;
  readonly inviteCode: string | undefined;
  role: ParticipantRole;
  displayName: string;
  /** waiting: in the waiting room; accepted: may enter; in_room: joined (sees and is seen). */
  state: 'waiting' | 'accepted' | 'in_room';
  joinedAt: Date;
  connection: Connection | undefined;
  /** Presented on a new connection within the grace period to take this participant over. */
  readonly resumption: string;
  graceTimer: NodeJS.Timeout | undefined;
  /** The breakout room the participant is in; undefined in the main room. */
  breakout: string | undefined;
  /** Each module's slice of this participant, by namespace. */
  readonly modules: Map<string, unknown>;
}

/** What the ticket said about who joins; checked by the start endpoint when it was issued. */
export interface Admission {
  readonly tenantId: string;
  readonly roomId: string;
  readonly kind: ParticipationKind;
  readonly userId: string | undefined;
  readonly inviteCode: string | undefined;
  readonly role: ParticipantRole;
  readonly waitingRoom: boolean;
}

/** Same person (or same guest link, or a phone line) as the one the resumption token was given to. */
export function sameIdentity(participant: Participant, admission: Admission): boolean {
  return (
    participant.kind === admission.kind &&
    participant.userId === admission.userId &&
    participant.inviteCode === admission.inviteCode
  );
}
