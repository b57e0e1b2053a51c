/** Helpers for test suites of this and other packages; never imported by production code. */
export { testEnv } from './test-env.js';

// White-box seams the system tests use beyond what the hub composes.
export { AuthError } from '../auth/auth-error.js';
export { identityFromClaims } from '../auth/identity.js';
export type { FetchLike } from '../auth/issuer-keys.js';
export type { TokenVerifierOptions } from '../auth/token-verifier.js';
export { createMailRepository } from '../mail/mail-repository.js';
export type { MailDelivery } from '../mail/mail-repository.js';
export { MailSendError } from '../mail/mail-transport.js';
export { planEventMails, planMails } from '../mail/plan-mails.js';
export { JanusConnection, JanusError } from '../media/janus/janus-client.js';
export { createJanusMediaService } from '../media/janus/janus-media-service.js';
export { startJanusProcess } from '../media/janus/janus-process.js';
export type { JanusProcess } from '../media/janus/janus-process.js';
export type { MeetingMediaEvents } from '../media/media-service.js';
export type { OutboxDispatcher } from '../outbox/outbox-dispatcher.js';
export type { ConferenceAudioLeg, PhoneInMeeting } from '../sip/conference-audio.js';
export { readDomainEvent } from '../outbox/domain-events.js';

// Imported by the system tests in tests/ (they import packages, never other folders' files).
export { silentLogger } from '../logging/logger.js';
export { MemoryNodeRegistry } from '../signaling/registry/memory-node-registry.js';
export type { RoomDirectory } from '../signaling/runtime/room-info.js';
export { createSignalingServer } from '../signaling/transport/signaling-server.js';
export { defaultLimits } from '../signaling/transport/token-bucket.js';
export { CallMedia } from '../sip/call-media.js';
export { buildAudioAnswer } from '../sip/sdp.js';
export { startSipEdge } from '../sip/sip-edge.js';
export { MemoryTicketStore } from '../tickets/memory-ticket-store.js';

// The OpenAPI checks the hub runs on its own endpoints, as the core does on API v1.
export { buildOpenApiDocument } from '../api/openapi.js';
export { undescribedOpenApiFields } from '../api/openapi-walk.js';
export type { OpenApiPaths } from '../api/openapi-walk.js';
export { ownerTag } from '../media/janus/room-ownership.js';

// The API bench EXPLAINs the statement GET /v1/events runs.
export { windowPageQuery } from '../storage/event-window.js';
