import type { Logger } from '../../logging/logger.js';
import type { AttemptLimiter } from '../../security/attempt-limiter.js';
import type { Db } from '../../storage/repository-support.js';
import type { TicketStore } from '../../tickets/ticket-store.js';
import { endpointDefiner } from '../endpoint.js';

/** What the v1 endpoints get from the application that mounts them. */
export interface ApiDeps {
  readonly db: Db;
  readonly logger: Logger;
  /** Where clients sign in (`GET /v1/auth/login`). */
  readonly oidc: { readonly issuer: string; readonly clientId: string };
  /** The OpenAPI document of this API (built once, on first request). */
  readonly openApiDocument: () => Record<string, unknown>;
  readonly now: () => Date;
  /** Single-use signaling tickets issued by `POST /v1/rooms/{id}/start` and the call-in start. */
  readonly tickets: TicketStore;
  /** Brute-force limits on room passwords and dial-in PINs: per source address, and per room or conference. */
  readonly attempts: { readonly bySource: AttemptLimiter; readonly byTarget: AttemptLimiter };
  /** Where this API is reached from outside (no trailing slash needed); the base of feed URLs. */
  readonly publicUrl: string;
  /**
   * Room affinity: the signaling base URL (`ws(s)://<node>/signaling`) of the node that owns the
   * room, assigning the least loaded live node when none does; undefined when no node is alive.
   * The ticket is handed out as `<base>/{ticket}`.
   */
  readonly locateSignaling: (roomId: string) => Promise<string | undefined>;
  /** Asks the outbox dispatcher to run soon; call after a transaction that appended domain events commits. */
  readonly outboxWritten: () => void;
  /** Embedded mode: the folder invitation mails are written to; undefined when they go to SMTP. */
  readonly mailOutboxDir?: string | undefined;
  /** The phone number callers dial (the same the invitation mail shows); null when none is configured. */
  readonly dialInNumber: string | null;
}

export const defineEndpoint = endpointDefiner<ApiDeps>();
