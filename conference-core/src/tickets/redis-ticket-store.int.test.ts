import { randomUUID } from 'node:crypto';

import { testEnv } from '../testing/test-env.js';
import { RedisTicketStore } from './redis-ticket-store.js';
import { describeTicketStoreContract } from './ticket-store.contract.js';

describeTicketStoreContract(
  'Redis',
  () => new RedisTicketStore({ redisUrl: testEnv.redisUrl, prefix: `test-tickets-${randomUUID()}` }),
);
