import type { Logger } from '../../logging/logger.js';
import type { Db } from '../../storage/repository-support.js';
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
}

export const defineEndpoint = endpointDefiner<ApiDeps>();
