export { createRoomService } from './room-service.js';
export type { NewOwnedRoom, RoomOwner, RoomService, RoomServiceOptions } from './room-service.js';
export { RoomError } from './room-error.js';
export type { RoomErrorKind } from './room-error.js';
