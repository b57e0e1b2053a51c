import type { ErrorRequestHandler, RequestHandler, Response } from 'express';

import type { Logger } from '@vc/conference-core';

/**
 * RFC 9457 problem details. `code` is stable and from a closed set shared with the browser
 * clients; `title` and `detail` are for people and may change.
 */
export const problemCodes = [
  'not_found',
  'method_not_allowed',
  'invalid_json',
  'payload_too_large',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'conflict',
  'precondition_failed',
  'rate_limited',
  'service_unavailable',
  'internal_error',
] as const;
export type ProblemCode = (typeof problemCodes)[number];

export interface Problem {
  status: number;
  code: ProblemCode;
  title: string;
  detail?: string;
  [extension: string]: unknown;
}

export function sendProblem(res: Response, problem: Problem): void {
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({ type: `about:blank`, ...problem });
}

export const notFound: RequestHandler = (req, res) => {
  sendProblem(res, {
    status: 404,
    code: 'not_found',
    title: 'Not found',
    detail: `No resource at ${req.method} ${req.path}.`,
  });
};

/** The last handler: known client errors become their problem, anything else a logged 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const type = typeof err === 'object' && err !== null && 'type' in err ? err.type : undefined;
    if (type === 'entity.parse.failed') {
      sendProblem(res, { status: 400, code: 'invalid_json', title: 'The request body is not valid JSON' });
      return;
    }
    if (type === 'entity.too.large') {
      sendProblem(res, { status: 413, code: 'payload_too_large', title: 'The request body is too large' });
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
