import { Router, type Request } from 'express';

import type { Logger } from '../../logging/logger.js';
import type { Db } from '../../storage/repository-support.js';
import type { ApiExtension } from '../extension.js';
import { buildOpenApiDocument } from '../openapi.js';
import type { Principal } from '../principal.js';
import { createApiRouter } from '../router.js';
import type { ApiDeps } from './deps.js';
import { apiV1Endpoints } from './registry.js';

export interface ApiV1Options {
  readonly db: Db;
  readonly logger: Logger;
  readonly oidc: ApiDeps['oidc'];
  readonly authenticate: (req: Request) => Promise<Principal | undefined>;
  readonly publicUrl: string;
  readonly validateResponses?: boolean;
  readonly now?: () => Date;
  readonly tickets: ApiDeps['tickets'];
  readonly attempts: ApiDeps['attempts'];
  readonly locateSignaling: ApiDeps['locateSignaling'];
  readonly outboxWritten?: () => void;
  /** Embedded mode: the folder mails are written to (listed by the admin API); undefined with SMTP. */
  readonly mailOutboxDir?: string | undefined;
  /** The phone number callers dial, shown with each room's conference id and PIN. */
  readonly dialInNumber?: string | undefined;
  /** Endpoints the application adds (mounted after the core's, documented with them). */
  readonly extensions?: readonly ApiExtension[];
}

/** The REST API v1 as an express router, with its OpenAPI document at `/v1/openapi.json`. */
export function createApiV1(options: ApiV1Options): Router {
  let document: Record<string, unknown> | undefined;
  const extensions = options.extensions ?? [];
  const deps: ApiDeps = {
    db: options.db,
    logger: options.logger,
    oidc: options.oidc,
    now: options.now ?? (() => new Date()),
    tickets: options.tickets,
    attempts: options.attempts,
    locateSignaling: options.locateSignaling,
    publicUrl: options.publicUrl,
    outboxWritten: options.outboxWritten ?? (() => undefined),
    mailOutboxDir: options.mailOutboxDir,
    dialInNumber: options.dialInNumber ?? null,
    openApiDocument: () =>
      (document ??= buildOpenApiDocument([...apiV1Endpoints, ...extensions.flatMap((e) => e.endpoints)], {
        title: 'vc-hub conference API',
        version: '1',
        serverUrl: options.publicUrl,
      })),
  };
  const context = {
    authenticate: options.authenticate,
    logger: options.logger,
    validateResponses: options.validateResponses ?? false,
  };
  const router = Router();
  router.use(createApiRouter({ endpoints: apiV1Endpoints, deps, ...context }));
  for (const extension of extensions) router.use(extension.createRouter(context));
  return router;
}

export { apiV1Endpoints };
export type { ApiDeps };
