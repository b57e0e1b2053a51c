export { innovaphoneConnector } from './innovaphone-connector.js';
export { innovaphoneSettings } from './settings.js';
export type { InnovaphoneSettings } from './settings.js';
export { appLoginDigest, digestMatches, infoForDigest } from './digest.js';
export type { LoginFields } from './digest.js';
export { ChallengeBook } from './challenges.js';
export type { ChallengeVerdict } from './challenges.js';
export { AppRequestError, appErrorCodes, appRequestSchema, appRequestTypes } from './app-messages.js';
export type {
  AppErrorCode,
  AppRequest,
  AppRequestType,
  MeetingDetails,
  MeetingSummary,
  PhoneAccess,
} from './app-messages.js';
export { createAppSession } from './app-session.js';
export type { AppRequestHandler, AppSession, SignInOutcome, VerifiedLogin } from './app-session.js';
export { appWebsocketPath, createAppWebsocketServer } from './app-websocket-server.js';
export type { AppEndpoint, AppWebsocketServer } from './app-websocket-server.js';
export { phoneAccess } from './phone-access.js';
export { placeCall } from './rcc.js';
export type { CallTarget, PlaceCallOptions } from './rcc.js';
