import { describeAttemptLimiterContract } from './attempt-limiter.contract.js';
import { MemoryAttemptLimiter } from './memory-attempt-limiter.js';

describeAttemptLimiterContract('in-memory', (policy, now) => new MemoryAttemptLimiter(policy, { now }));
