import { ConnectorError } from '@vc/connector-sdk';
import {
  AdminLimitExceededError,
  BusyError,
  ConfidentialityRequiredError,
  InappropriateAuthError,
  InsufficientAccessError,
  InvalidCredentialsError,
  InvalidDNSyntaxError,
  NoSuchObjectError,
  ResultCodeError,
  SizeLimitExceededError,
  StrongAuthRequiredError,
  TimeLimitExceededError,
  UnavailableError,
  UnwillingToPerformError,
} from 'ldapts';

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);
const tlsTrustCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
]);
const transientMessages = /timeout|timed out|connection closed|socket|not established|closed before/i;

/**
 * Translates what ldapts and the socket throw into the sdk's error family. Messages name the
 * operation and the LDAP result, never settings values (the bind password in particular).
 */
export function translateLdapError(err: unknown, operation: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const where = `LDAP ${operation}`;
  if (err instanceof InvalidCredentialsError || err instanceof InappropriateAuthError) {
    return new ConnectorError('auth_failed', `${where}: the server rejected the bind DN or password`, {
      cause: err,
    });
  }
  if (err instanceof InsufficientAccessError) {
    return new ConnectorError('forbidden', `${where}: the bind DN may not read this part of the directory`, {
      cause: err,
    });
  }
  if (err instanceof BusyError) {
    return new ConnectorError('rate_limited', `${where}: the server is busy`, {
      cause: err,
      retryAfterMs: 30_000,
    });
  }
  if (err instanceof UnavailableError || err instanceof TimeLimitExceededError) {
    return new ConnectorError(
      'upstream_unavailable',
      `${where}: the server is unavailable (${err.message})`,
      { cause: err },
    );
  }
  if (err instanceof NoSuchObjectError || err instanceof InvalidDNSyntaxError) {
    return new ConnectorError(
      'invalid_settings',
      `${where}: the base DN or bind DN does not exist or is malformed`,
      { cause: err },
    );
  }
  if (err instanceof SizeLimitExceededError || err instanceof AdminLimitExceededError) {
    return new ConnectorError(
      'invalid_settings',
      `${where}: the server's size limit is below the page size; lower pageSize`,
      { cause: err },
    );
  }
  if (
    err instanceof ConfidentialityRequiredError ||
    err instanceof StrongAuthRequiredError ||
    err instanceof UnwillingToPerformError
  ) {
    return new ConnectorError(
      'invalid_settings',
      `${where}: the server requires a secured connection or other bind (${err.message})`,
      { cause: err },
    );
  }
  if (err instanceof ResultCodeError) {
    return new ConnectorError('upstream_unavailable', `${where}: LDAP result ${err.code} (${err.message})`, {
      cause: err,
    });
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && tlsTrustCodes.has(code)) {
    return new ConnectorError(
      'invalid_settings',
      `${where}: the server certificate is not trusted (${code}); set caFile`,
      { cause: err },
    );
  }
  if (
    (typeof code === 'string' && networkCodes.has(code)) ||
    (err instanceof Error && transientMessages.test(err.message))
  ) {
    return new ConnectorError(
      'upstream_unavailable',
      `${where}: cannot reach the server (${typeof code === 'string' ? code : (err as Error).message})`,
      { cause: err },
    );
  }
  const text = err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error';
  return new ConnectorError('upstream_unavailable', `${where}: ${text}`, { cause: err });
}
