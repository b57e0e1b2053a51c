export { DependencyUnavailableError, dependencies, unavailableDependency } from './unavailable.js';
export type { Dependency } from './unavailable.js';
export { createOutageLog } from './outages.js';
export type { OutageLog, OutageLogOptions } from './outages.js';
export { ignoreRedisErrors, viaRedis } from './redis-errors.js';
export type { RedisErrorReporter } from './redis-errors.js';
