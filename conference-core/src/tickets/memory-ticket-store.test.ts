import { describeTicketStoreContract } from './ticket-store.contract.js';
import { MemoryTicketStore } from './memory-ticket-store.js';

describeTicketStoreContract('in-memory', () => new MemoryTicketStore());
