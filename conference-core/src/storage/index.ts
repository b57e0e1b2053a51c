/** The storage layer's public surface. The contract suites (`*.contract.ts`) and fixtures are test-only. */
export { openDatabase, describeTarget } from './database.js';
export type { DatabaseHandle, OpenDatabaseOptions } from './database.js';
export {
  DatabaseLockedError,
  DatabaseUnavailableError,
  InvalidCursorError,
  MigrationError,
} from './errors.js';
export { jsonb } from './jsonb.js';
export { migrateToLatest } from './migrate.js';
export { migrations } from './migrations/index.js';
export type { NamedMigration } from './migrations/index.js';
export { PGliteDialect } from './pglite-dialect.js';
export type { PGliteDialectConfig } from './pglite-dialect.js';
export type * from './schema.js';
export { MAX_PAGE_SIZE } from './repository-support.js';
export type { Db, Page } from './repository-support.js';
export { createTenantRepository, TENANT_SLUG_PATTERN } from './tenant-repository.js';
export type {
  CreateTenantResult,
  EnsureTenantResult,
  NewTenant,
  Tenant,
  TenantRepository,
} from './tenant-repository.js';
export { createUserRepository } from './user-repository.js';
export type {
  CreateUserResult,
  LinkIdentityResult,
  NewUser,
  UpdateUserResult,
  User,
  UserIdentity,
  UserPatch,
  UserRepository,
} from './user-repository.js';
export { createUserRoleRepository } from './user-role-repository.js';
export type { RoleSource, StoredRole, UserRoleRepository } from './user-role-repository.js';
export { createGroupRepository } from './group-repository.js';
export type {
  Group,
  GroupInput,
  GroupRepository,
  SetMembersResult,
  UpsertGroupResult,
} from './group-repository.js';
export { createRoomRepository } from './room-repository.js';
export type { CreateRoomResult, NewRoom, Room, RoomPatch, RoomRepository } from './room-repository.js';
export {
  createEventRepository,
  EVENT_DESCRIPTION_MAX_LENGTH,
  EVENT_TITLE_MAX_LENGTH,
} from './event-repository.js';
export type {
  CreateEventResult,
  DeleteEventResult,
  EventPatch,
  EventRepository,
  EventWindowQuery,
  NewEvent,
  ScheduledEvent,
  UpdateEventResult,
} from './event-repository.js';
export { createEventExceptionRepository } from './event-exception-repository.js';
export type {
  EventException,
  EventExceptionRepository,
  ExceptionOverride,
  UpsertExceptionResult,
} from './event-exception-repository.js';
export { createInviteRepository } from './invite-repository.js';
export type { AddInviteResult, Invite, Invitee, InviteRepository, NewInvite } from './invite-repository.js';
export { createGuestLinkRepository } from './guest-link-repository.js';
export type {
  CreateGuestLinkResult,
  GuestLink,
  GuestLinkPatch,
  GuestLinkRepository,
  NewGuestLink,
} from './guest-link-repository.js';
export {
  CONFERENCE_ID_PATTERN,
  createDialInRepository,
  cryptoRandomDigits,
  DIAL_IN_PIN_PATTERN,
} from './dial-in-repository.js';
export type {
  AssignDialInResult,
  DialIn,
  DialInRepository,
  DialInSettings,
  RandomDigits,
} from './dial-in-repository.js';
export { createOutboxRepository } from './outbox-repository.js';
export type { OutboxEntry, OutboxMessage, OutboxRepository } from './outbox-repository.js';
export { createCalendarFeedRepository, TOKEN_HASH_PATTERN } from './calendar-feed-repository.js';
export type { CalendarFeedRepository } from './calendar-feed-repository.js';
export { createConnectorInstanceRepository } from './connector-instance-repository.js';
export type {
  ConnectorInstance,
  ConnectorInstancePatch,
  ConnectorInstanceRepository,
  NewConnectorInstance,
  SaveConnectorInstanceResult,
} from './connector-instance-repository.js';
export { createSyncRunRepository, OPEN_RUN_STATES } from './sync-run-repository.js';
export type {
  CreateSyncRunResult,
  NewSyncRun,
  OpenRunRef,
  SkippedRecordRow,
  SyncMode,
  SyncRun,
  SyncRunCounters,
  SyncRunRepository,
  SyncTrigger,
} from './sync-run-repository.js';
export { createConnectorAuditRepository } from './connector-audit-repository.js';
export type {
  ConnectorAuditEntry,
  ConnectorAuditRepository,
  NewConnectorAuditEntry,
} from './connector-audit-repository.js';
export { createRoleMappingRepository } from './role-mapping-repository.js';
export type { MappedGroup, RoleMappingRepository, RoleRule } from './role-mapping-repository.js';
export { createCalendarLinkRepository } from './calendar-link-repository.js';
export type { CalendarLink, CalendarLinkPatch, CalendarLinkRepository } from './calendar-link-repository.js';
export { createCalendarSyncRepository } from './calendar-sync-repository.js';
export type {
  CalendarItemKey,
  CalendarLinkRow,
  CalendarSyncRepository,
  CalendarSyncState,
} from './calendar-sync-repository.js';
