import type { Request, Router } from 'express';

import type { Logger } from '../logging/logger.js';
import type { Endpoint, EndpointMeta } from './endpoint.js';
import type { Principal } from './principal.js';
import { createApiRouter } from './router.js';

/** What the API hands every extension's router: the same authentication, logging and checks. */
export interface ApiExtensionContext {
  readonly authenticate: (req: Request) => Promise<Principal | undefined>;
  readonly logger: Logger;
  readonly validateResponses: boolean;
}

/**
 * Endpoints the application adds to API v1 with dependencies of its own (the hub's connector
 * admin API): they are mounted by the same router machinery and described in the same OpenAPI
 * document as the core's endpoints, so nothing reaches the API past its validation or its docs.
 */
export interface ApiExtension {
  readonly endpoints: readonly EndpointMeta[];
  createRouter(context: ApiExtensionContext): Router;
}

export function defineApiExtension<Deps>(endpoints: readonly Endpoint<Deps>[], deps: Deps): ApiExtension {
  return {
    endpoints,
    createRouter: (context) => createApiRouter({ endpoints, deps, ...context }),
  };
}
