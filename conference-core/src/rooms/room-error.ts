/** Why a room operation was refused; the API turns each kind into its problem response. */
export type RoomErrorKind =
  | 'room_not_found'
  | 'guest_link_not_found'
  | 'no_dial_in'
  | 'owner_not_found'
  | 'room_of_meeting'
  | 'expiration_past'
  | 'invalid_cursor';

export class RoomError extends Error {
  override readonly name = 'RoomError';
  readonly kind: RoomErrorKind;
  /** For `room_of_meeting`: the meeting to delete instead. */
  readonly eventId: string | undefined;

  constructor(kind: RoomErrorKind, message: string, eventId?: string) {
    super(message);
    this.kind = kind;
    this.eventId = eventId;
  }
}
