import { randomUUID } from 'node:crypto';

import { testEnv } from '../testing/test-env.js';
import { describeAttemptLimiterContract } from './attempt-limiter.contract.js';
import { RedisAttemptLimiter } from './redis-attempt-limiter.js';

describeAttemptLimiterContract(
  'Redis',
  (policy, now) =>
    new RedisAttemptLimiter(policy, {
      redisUrl: testEnv.redisUrl,
      prefix: `test-attempts-${randomUUID()}`,
      now,
    }),
);
