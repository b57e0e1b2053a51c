/**
 * The one error family a connector throws. Connectors translate upstream failures at their edge
 * (an LDAP invalidCredentials becomes `auth_failed`, a Graph 429 becomes `rate_limited` with its
 * Retry-After), so the hub decides about retries without knowing any upstream protocol.
 */
export const connectorErrorCodes = [
  'auth_failed',
  'forbidden',
  'not_found',
  'rate_limited',
  'upstream_unavailable',
  'invalid_settings',
  'invalid_data',
] as const;

export type ConnectorErrorCode = (typeof connectorErrorCodes)[number];

/** Whether trying the same call again later can succeed, when the thrower does not say. */
const retryableByDefault: Record<ConnectorErrorCode, boolean> = {
  auth_failed: false,
  forbidden: false,
  not_found: false,
  rate_limited: true,
  upstream_unavailable: true,
  invalid_settings: false,
  invalid_data: false,
};

export interface ConnectorErrorOptions {
  cause?: unknown;
  retryable?: boolean;
  /** How long the upstream asked us to wait (Retry-After), in milliseconds. */
  retryAfterMs?: number;
}

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  readonly code: ConnectorErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(code: ConnectorErrorCode, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? retryableByDefault[code];
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isConnectorError(value: unknown): value is ConnectorError {
  return value instanceof ConnectorError;
}
