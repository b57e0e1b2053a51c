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
  'bad_request',
  'unsupported_media_type',
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
  /** The person lacks a permission the tenant's group mapping restricts; `permission` names it (0027). */
  'missing_role',
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
  /** With `missing_role`: the permission the request needs (`schedule`, `dial_in`, ...). */
  readonly permission?: string;
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
    const bodyProblem = requestBodyProblem(err);
    if (bodyProblem !== undefined) {
      sendProblem(res, bodyProblem);
      return;
    }
    if (isDataException(err)) {
      // Input the schemas let through but PostgreSQL refuses (a value out of its range): bad
      // input, not a bug of ours; logged so a schema that is too loose gets noticed.
      logger.warn({ err, method: req.method, path: req.path }, 'the database refused a value of the request');
      sendProblem(res, {
        status: 422,
        code: 'validation_failed',
        title: 'The request is not valid',
        detail: 'A value of the request is out of the range the server can store.',
      });
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

/**
 * The body parser's own client errors (http-errors with a 4xx status): a charset or content
 * encoding it cannot read is 415, a body that cannot be decoded (a `Content-Encoding: gzip`
 * that is not gzip) or an aborted upload 400.
 */
function requestBodyProblem(err: unknown): Problem | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { type, status, message } = err as { type?: unknown; status?: unknown; message?: unknown };
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
    return {
      status: 415,
      code: 'unsupported_media_type',
      title: 'The request body is in a charset or encoding the server does not read',
      detail: `${typeof message === 'string' ? message : 'unsupported'}; send JSON in UTF-8, identity or gzip encoded.`,
    };
  }
  // A stream or zlib error the parser passes on (its `type` is then absent) is marked `expose`.
  const exposed = (err as { expose?: unknown }).expose === true;
  if (typeof status === 'number' && status >= 400 && status < 500 && (typeof type === 'string' || exposed)) {
    return {
      status,
      code: 'bad_request',
      title: 'The request body could not be read',
      ...(typeof message === 'string' && { detail: message }),
    };
  }
  return undefined;
}

/** PostgreSQL SQLSTATE class 22, "data exception": a value it cannot store or convert. */
function isDataException(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}
