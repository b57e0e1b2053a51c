import type { Endpoint } from '../endpoint.js';
import { getAdminMailDeadLetters } from './admin/get-admin-mail-dead-letters.js';
import { getAdminMailOutbox } from './admin/get-admin-mail-outbox.js';
import { postAdminMailReplies } from './admin/post-admin-mail-replies.js';
import { getAdminRoleMapping } from './admin/get-admin-role-mapping.js';
import { putAdminRoleMapping } from './admin/put-admin-role-mapping.js';
import { getAdminUserRoles } from './admin/get-admin-user-roles.js';
import { deleteCalendarFeed } from './calendar/delete-calendar-feed.js';
import { getCalendarIcs } from './calendar/get-calendar-ics.js';
import { postCalendarFeed } from './calendar/post-calendar-feed.js';
import type { ApiDeps } from './deps.js';
import { deleteEventInviteUser } from './events/delete-event-invite-user.js';
import { deleteEventInvite } from './events/delete-event-invite.js';
import { deleteEvent } from './events/delete-event.js';
import { getEventInstance } from './events/get-event-instance.js';
import { getEventInstances } from './events/get-event-instances.js';
import { getEventInvites } from './events/get-event-invites.js';
import { getEvent } from './events/get-event.js';
import { getEvents } from './events/get-events.js';
import { patchEventInstance } from './events/patch-event-instance.js';
import { patchEventInvite } from './events/patch-event-invite.js';
import { patchEvent } from './events/patch-event.js';
import { postEventInvites } from './events/post-event-invites.js';
import { postEvents } from './events/post-events.js';
import { getAuthLogin } from './meta/get-auth-login.js';
import { getOpenApi } from './meta/get-openapi.js';
import { deleteRoomInvite } from './rooms/delete-room-invite.js';
import { deleteRoomSip } from './rooms/delete-room-sip.js';
import { deleteRoom } from './rooms/delete-room.js';
import { getInviteRoom } from './rooms/get-invite-room.js';
import { getRoomInvite } from './rooms/get-room-invite.js';
import { getRoomInvites } from './rooms/get-room-invites.js';
import { getRoomSip } from './rooms/get-room-sip.js';
import { getRoom } from './rooms/get-room.js';
import { getRooms } from './rooms/get-rooms.js';
import { patchRoom } from './rooms/patch-room.js';
import { postCallInStart } from './rooms/post-call-in-start.js';
import { postRoomInvites } from './rooms/post-room-invites.js';
import { postRoomStart } from './rooms/post-room-start.js';
import { postRooms } from './rooms/post-rooms.js';
import { putRoomInvite } from './rooms/put-room-invite.js';
import { putRoomSip } from './rooms/put-room-sip.js';
import { getUsersFind } from './users/get-users-find.js';
import { getUsersMe } from './users/get-users-me.js';
import { patchUsersMe } from './users/patch-users-me.js';

/**
 * Every endpoint of API v1, by hand: this list is what the router mounts and what the OpenAPI
 * document describes. Fixed paths come before parameterized ones (`/users/find` before `/users/{id}`).
 */
export const apiV1Endpoints: readonly Endpoint<ApiDeps>[] = [
  getAuthLogin,
  getOpenApi,
  getUsersMe,
  patchUsersMe,
  getUsersFind,
  getCalendarIcs,
  postCalendarFeed,
  deleteCalendarFeed,
  getEvents,
  postEvents,
  getEvent,
  patchEvent,
  deleteEvent,
  getEventInstances,
  getEventInstance,
  patchEventInstance,
  getEventInvites,
  postEventInvites,
  deleteEventInviteUser,
  patchEventInvite,
  deleteEventInvite,
  getRooms,
  postRooms,
  postCallInStart,
  getRoom,
  patchRoom,
  deleteRoom,
  getRoomInvites,
  postRoomInvites,
  getRoomInvite,
  putRoomInvite,
  deleteRoomInvite,
  getRoomSip,
  putRoomSip,
  deleteRoomSip,
  postRoomStart,
  getInviteRoom,
  getAdminMailDeadLetters,
  getAdminMailOutbox,
  postAdminMailReplies,
  getAdminRoleMapping,
  putAdminRoleMapping,
  getAdminUserRoles,
];
