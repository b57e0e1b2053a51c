import type { ErrorRequestHandler, RequestHandler, Response } from 'express';

import { unavailableDependency, type Dependency } from '../dependencies/unavailable.js';
import type { OutageLog } from '../dependencies/outages.js';
import type { Logger } from '../logging/logger.js';

/**
 * RFC 9457 problem details. `code` is stable and from this closed set, shared with the browser
 * clients; `title` and `detail` are for people and may change.
 */
export const problemCodes = [
  'not_found',
  'method_not_allowed',
  'invalid_json',
  'payload_too_large',
  'validation_failed',
  'unauthorized',
  'invalid_token',
  'token_expired',
  'forbidden',
  'conflict',
  'precondition_failed',
  'precondition_required',
  'rate_limited',
  'service_unavailable',
  'database_unavailable',
  'redis_unavailable',
  'internal_error',
] as const;
export type ProblemCode = (typeof problemCodes)[number];

/** One field that failed validation: where (`body.title`, `query.limit`) and why. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export interface Problem {
  readonly status: number;
  readonly code: ProblemCode;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: readonly FieldProblem[];
}

/** Thrown by endpoint handlers for outcomes that end the request with a problem response. */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  readonly problem: Problem;
  /** Extra response headers, e.g. `Retry-After` or `WWW-Authenticate`. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(problem: Problem, options: { headers?: Record<string, string>; cause?: unknown } = {}) {
    super(
      problem.detail ?? problem.title,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.problem = problem;
    this.headers = options.headers ?? {};
  }
}

/**
 * The 422 every invalid input gets, wherever it is found (schema, cursor, a rule across fields):
 * one shape, so clients read `errors[].field` the same way for all of them.
 */
export function validationProblem(problems: readonly FieldProblem[]): ApiProblem {
  return new ApiProblem({
    status: 422,
    code: 'validation_failed',
    title: 'The request is not valid',
    detail: problems.map((p) => `${p.field}: ${p.message}`).join('; '),
    errors: problems,
  });
}

export function sendProblem(res: Response, problem: Problem, headers: Record<string, string> = {}): void {
  res
    .status(problem.status)
    .set(headers)
    .type('application/problem+json')
    .json({ type: 'about:blank', ...problem });
}

export const notFound: RequestHandler = (req, res) => {
  sendProblem(res, {
    status: 404,
    code: 'not_found',
    title: 'Not found',
    detail: `No resource at ${req.method} ${req.path}.`,
  });
};

/** How long a client should wait before trying again after a dependency outage (seconds). */
export const outageRetryAfterSeconds = 5;

const outageTitles: Record<Dependency, string> = {
  database: 'The database is unavailable; try again shortly',
  redis: 'Redis is unavailable; try again shortly',
};

/**
 * The last handler: known client errors become their problem, an outage of a dependency a 503
 * naming it (logged once per outage through `outages`, not per request), anything else a logged 500.
 */
export function errorHandler(logger: Logger, options: { outages?: OutageLog } = {}): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof ApiProblem) {
      sendProblem(res, err.problem, { ...err.headers });
      return;
    }
    const type = typeof err === 'object' && err !== null && 'type' in err ? err.type : undefined;
    if (type === 'entity.parse.failed') {
      sendProblem(res, { status: 400, code: 'invalid_json', title: 'The request body is not valid JSON' });
      return;
    }
    if (type === 'entity.too.large') {
      sendProblem(res, { status: 413, code: 'payload_too_large', title: 'The request body is too large' });
      return;
    }
    const dependency = unavailableDependency(err);
    if (dependency !== undefined && !res.headersSent) {
      if (options.outages === undefined) logger.warn({ err, dependency }, 'dependency unavailable');
      else options.outages.report(dependency, err);
      sendProblem(
        res,
        { status: 503, code: `${dependency}_unavailable`, title: outageTitles[dependency] },
        { 'retry-after': String(outageRetryAfterSeconds) },
      );
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, { status: 500, code: 'internal_error', title: 'Internal server error' });
  };
}
