export * from './media-service.js';
export { createUnavailableMediaService } from './unavailable-media-service.js';
export { createJanusMediaService, type JanusPoolOptions } from './janus/janus-media-service.js';
export {
  startJanusProcess,
  findJanusModules,
  type JanusProcess,
  type JanusProcessOptions,
} from './janus/janus-process.js';
export { JanusConnection, JanusError, type JanusServer } from './janus/janus-client.js';
export { iceServersFor, turnCredentials, type IceConfig } from './turn-credentials.js';
export { createMediaService, type MediaSettings } from './create-media-service.js';
