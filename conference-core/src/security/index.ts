export { delayAfter, passwordBySource, secretByTarget } from './attempt-limiter.js';
export type { AttemptLimiter, AttemptPolicy, AttemptVerdict } from './attempt-limiter.js';
export { MemoryAttemptLimiter } from './memory-attempt-limiter.js';
export { RedisAttemptLimiter } from './redis-attempt-limiter.js';
