/**
 * What the hub composes: the services, ports and their implementations, the API definitions and
 * the errors it translates. Nothing more (issue 21): a name is added here when the hub needs it.
 * Test suites find the white-box seams they need in `./testing` (`@vc/conference-core/testing`).
 */
export { endpointDefiner } from './api/endpoint.js';
export type {
  Endpoint,
  EndpointMeta,
  EndpointResult,
  HandlerInput,
  HttpMethod,
  RawRequest,
  ResponseSpec,
} from './api/endpoint.js';
export { defineApiExtension } from './api/extension.js';
export { ApiProblem, errorHandler, notFound, sendProblem, validationProblem } from './api/problem.js';
export type { FieldProblem, ProblemCode } from './api/problem.js';
export { createPrincipalResolver } from './api/resolve-principal.js';
export { createApiV1 } from './api/v1/index.js';
export { apiV1Endpoints } from './api/v1/registry.js';
export { requireTenantAdmin, tenantAdminRole } from './api/v1/users/require-tenant-admin.js';
export { createAuthenticator } from './auth/authenticator.js';
export type { Authenticator } from './auth/authenticator.js';
export { createTokenVerifier } from './auth/token-verifier.js';
export { createOutageLog } from './dependencies/outages.js';
export type { OutageLog } from './dependencies/outages.js';
export type { RedisErrorReporter } from './dependencies/redis-errors.js';
export { BullMqJobQueue } from './jobs/bullmq-job-queue.js';
export { InProcessJobQueue } from './jobs/in-process-job-queue.js';
export { jobType } from './jobs/job-queue.js';
export type {
  BackoffOptions,
  CloseOptions,
  EnqueueOptions,
  JobContext,
  JobHandler,
  JobInfo,
  JobQueue,
  JobState,
  JobType,
  RepeatSpec,
  WorkerOptions,
} from './jobs/job-queue.js';
export type { JsonValue } from './json.js';
export { silentLogger } from './logging/logger.js';
export type { LogFields, Logger } from './logging/logger.js';
export { createFolderTransport } from './mail/folder-transport.js';
export { createMailService } from './mail/mail-service.js';
export type { MailService } from './mail/mail-service.js';
export type { MailTransport } from './mail/mail-transport.js';
export { createSmtpTransport } from './mail/smtp-transport.js';
export { createMediaService } from './media/create-media-service.js';
export type { MediaService } from './media/media-service.js';
export { createOutboxDispatcher } from './outbox/outbox-dispatcher.js';
export { SchedulingError, createEventService } from './scheduling/event-service.js';
export type { Actor, EventService } from './scheduling/event-service.js';
export { passwordBySource, secretByTarget } from './security/attempt-limiter.js';
export type { AttemptLimiter, AttemptPolicy } from './security/attempt-limiter.js';
export { MemoryAttemptLimiter } from './security/memory-attempt-limiter.js';
export { RedisAttemptLimiter } from './security/redis-attempt-limiter.js';
export { createSignalingModules } from './signaling/modules/registry.js';
export { MemoryNodeRegistry } from './signaling/registry/memory-node-registry.js';
export type { NodeRegistry } from './signaling/registry/node-registry.js';
export { RedisNodeRegistry } from './signaling/registry/redis-node-registry.js';
export { createRoomDirectory } from './signaling/runtime/room-info.js';
export { createSignalingServer } from './signaling/transport/signaling-server.js';
export type { SignalingServer } from './signaling/transport/signaling-server.js';
export { createCallInApi } from './sip/call-in-api.js';
export type { ConferenceAudio } from './sip/conference-audio.js';
export { signalingConferenceAudio } from './sip/signaling-conference-audio.js';
export { startSipGateway } from './sip/sip-gateway.js';
export type { SipGateway } from './sip/sip-gateway.js';
export { createCalendarLinkRepository } from './storage/calendar-link-repository.js';
export type { CalendarLink } from './storage/calendar-link-repository.js';
export { createCalendarSyncRepository } from './storage/calendar-sync-repository.js';
export type { CalendarItemKey, CalendarLinkRow } from './storage/calendar-sync-repository.js';
export { createConnectorAuditRepository } from './storage/connector-audit-repository.js';
export { createConnectorInstanceRepository } from './storage/connector-instance-repository.js';
export type {
  ConnectorInstance,
  ConnectorInstancePatch,
  NewConnectorInstance,
} from './storage/connector-instance-repository.js';
export { openDatabase } from './storage/database.js';
export type { DatabaseHandle } from './storage/database.js';
export { createDialInRepository } from './storage/dial-in-repository.js';
export { createEventRepository } from './storage/event-repository.js';
export type { ScheduledEvent } from './storage/event-repository.js';
export { createGuestLinkRepository } from './storage/guest-link-repository.js';
export { createInviteRepository } from './storage/invite-repository.js';
export type { Invite } from './storage/invite-repository.js';
export { jsonb } from './storage/jsonb.js';
export { migrateToLatest } from './storage/migrate.js';
export type { Db } from './storage/repository-support.js';
export { createSyncRunRepository } from './storage/sync-run-repository.js';
export type {
  CreateSyncRunResult,
  SkippedRecordRow,
  SyncMode,
  SyncRun,
  SyncTrigger,
} from './storage/sync-run-repository.js';
export { createTenantRepository } from './storage/tenant-repository.js';
export { createUserRepository } from './storage/user-repository.js';
export type { User, UserIdentity, UserRepository } from './storage/user-repository.js';
export { createUserRoleRepository } from './storage/user-role-repository.js';
export { createDirectorySync } from './sync/directory-sync.js';
export { identitySource } from './sync/directory-types.js';
export type {
  DecideRunResult,
  DirectoryBatch,
  DirectoryGroup,
  DirectoryRef,
  DirectorySkip,
  DirectoryUser,
  RunLease,
} from './sync/directory-types.js';
export { MemoryTicketStore } from './tickets/memory-ticket-store.js';
export { RedisTicketStore } from './tickets/redis-ticket-store.js';
export type { TicketStore } from './tickets/ticket-store.js';
export { withTimeout } from './timeout.js';
