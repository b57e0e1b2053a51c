import { Router, type Request } from 'express';

import type { Logger } from '../logging/logger.js';
import type { Endpoint, EndpointResult } from './endpoint.js';
import { ApiProblem } from './problem.js';
import type { Principal } from './principal.js';

export interface ApiRouterOptions<Deps> {
  readonly endpoints: readonly Endpoint<Deps>[];
  readonly deps: Deps;
  /**
   * Resolves the caller from the request's credentials, or undefined when it carries none.
   * Throws an `ApiProblem` (401) for credentials that are present but not valid.
   */
  readonly authenticate: (req: Request) => Promise<Principal | undefined>;
  readonly logger: Logger;
  /**
   * Check every response against the schema its endpoint declares for that status, and answer
   * 500 when it does not match. On in tests, so every test proves the OpenAPI document true.
   */
  readonly validateResponses?: boolean;
}

/** Mounts each endpoint of the explicit registry on an express router. */
export function createApiRouter<Deps>(options: ApiRouterOptions<Deps>): Router {
  const router = Router();
  for (const endpoint of options.endpoints) {
    router[endpoint.method](expressPath(endpoint.path), async (req, res) => {
      const principal = endpoint.access.length === 0 ? undefined : await options.authenticate(req);
      authorize(endpoint, principal);
      const result = await endpoint.run(
        { params: req.params, query: req.query, body: req.body as unknown, headers: req.headers, ip: req.ip },
        principal,
        options.deps,
      );
      if (options.validateResponses === true) checkResponse(endpoint, result, options.logger);
      send(res, endpoint, result);
    });
  }
  return router;
}

/** `/v1/events/{eventId}` becomes `/v1/events/:eventId`. */
export function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

function authorize<Deps>(endpoint: Endpoint<Deps>, principal: Principal | undefined): void {
  if (endpoint.access.length === 0) return;
  if (principal === undefined) {
    throw new ApiProblem(
      { status: 401, code: 'unauthorized', title: 'Authentication required', detail: 'Send a bearer token.' },
      { headers: { 'www-authenticate': 'Bearer' } },
    );
  }
  if (!endpoint.access.includes(principal.kind)) {
    throw new ApiProblem({
      status: 403,
      code: 'forbidden',
      title: 'Not allowed',
      detail: `This endpoint is not available to a ${principal.kind}.`,
    });
  }
}

function send<Deps>(
  res: Parameters<Parameters<Router['get']>[1]>[1],
  endpoint: Endpoint<Deps>,
  result: EndpointResult,
): void {
  res.status(result.status);
  if (result.headers !== undefined) res.set({ ...result.headers });
  if (result.body === undefined) {
    res.end();
    return;
  }
  const contentType = endpoint.responses[result.status]?.contentType;
  if (contentType !== undefined && typeof result.body === 'string') {
    res.type(contentType).send(result.body);
    return;
  }
  res.json(result.body);
}

function checkResponse<Deps>(endpoint: Endpoint<Deps>, result: EndpointResult, logger: Logger): void {
  const spec = endpoint.responses[result.status];
  const where = `${endpoint.method.toUpperCase()} ${endpoint.path} -> ${result.status}`;
  let problem: string | undefined;
  if (spec === undefined) problem = 'status not documented';
  else if (spec.schema !== undefined) {
    const parsed = spec.schema.safeParse(result.body);
    if (!parsed.success)
      problem = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  } else if (result.body !== undefined && spec.contentType === undefined)
    problem = 'body sent but none documented';
  if (problem === undefined) return;
  logger.error({ endpoint: where, problem }, 'response does not match the OpenAPI document');
  throw new Error(`response of ${where} does not match its schema: ${problem}`);
}
