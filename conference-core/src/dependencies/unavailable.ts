import { DatabaseUnavailableError } from '../storage/errors.js';

/** The backing services whose outage a request can run into; each has its own problem code. */
export const dependencies = ['database', 'redis'] as const;
export type Dependency = (typeof dependencies)[number];

/**
 * A backing service did not answer (refused, reset, timed out). Not a bug and not bad input: the
 * caller should try again later, so the API answers 503 with `Retry-After`.
 */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
  readonly code = 'dependency_unavailable';
  readonly dependency: Dependency;

  constructor(dependency: Dependency, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.dependency = dependency;
  }
}

/** Socket errors of a connection that is refused, reset or cannot be routed. */
const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL's own words for "not now": SQLSTATE class 08 (connection exception), the server
 * shutting down or crashed (57P01, 57P02), starting up or in recovery (57P03), no connection slot
 * left (53300).
 */
function isPostgresOutageState(code: string): boolean {
  return /^08[0-9A-Z]{3}$/.test(code) || ['57P01', '57P02', '57P03', '53300'].includes(code);
}

/** node-postgres reports a connection that died or never came with these messages (no code). */
const postgresClientMessages =
  /Connection terminated|timeout exceeded when trying to connect|is not queryable|Client was closed/;

/**
 * Which dependency an error says is away, or undefined when it is something else (a bug, bad
 * input). Redis stores wrap their errors at the source; any other connection failure that reaches
 * a request handler comes from the database, the only other service a request talks to.
 */
export function unavailableDependency(error: unknown): Dependency | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof DependencyUnavailableError) return e.dependency;
    if (e instanceof DatabaseUnavailableError) return 'database';
    const code = 'code' in e && typeof e.code === 'string' ? e.code : undefined;
    if (code !== undefined && (socketCodes.has(code) || isPostgresOutageState(code))) return 'database';
    if (postgresClientMessages.test(e.message)) return 'database';
    if (e instanceof AggregateError && e.errors.some((inner) => unavailableDependency(inner) === 'database'))
      return 'database';
  }
  return undefined;
}
