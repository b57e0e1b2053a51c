export { startSipGateway } from './sip-gateway.js';
export type { FinishedCall, SipGateway, SipGatewayOptions } from './sip-gateway.js';
export { createCallInApi, CallInApiError } from './call-in-api.js';
export type { CallInApi, CallInApiOptions, CallInResult } from './call-in-api.js';
export { ConferenceAudioUnavailable, unavailableConferenceAudio } from './conference-audio.js';
export type { ConferenceAudio, ConferenceAudioLeg, PhoneInMeeting } from './conference-audio.js';
export type { PromptLanguage } from './prompts.js';
export type { Registration } from './registration.js';
export { signalingConferenceAudio } from './signaling-conference-audio.js';
