export type { JsonValue } from './json.js';
export type { LogFields, Logger } from './logging/logger.js';
export { silentLogger } from './logging/logger.js';
export * from './storage/index.js';
export * from './jobs/index.js';
