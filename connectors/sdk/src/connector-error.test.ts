import { describe, expect, it } from 'vitest';

import { ConnectorError, isConnectorError } from './connector-error.js';

describe('ConnectorError', () => {
  it('marks rate limits and outages as retryable and carries the upstream wait', () => {
    const error = new ConnectorError('rate_limited', 'Graph said 429', { retryAfterMs: 5000 });
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(5000);
    expect(new ConnectorError('upstream_unavailable', 'LDAP down').retryable).toBe(true);
  });

  it('marks authentication and data problems as not retryable unless told otherwise', () => {
    expect(new ConnectorError('auth_failed', 'bad bind').retryable).toBe(false);
    expect(new ConnectorError('invalid_data', 'no uuid').retryable).toBe(false);
    expect(new ConnectorError('not_found', 'gone', { retryable: true }).retryable).toBe(true);
  });

  it('keeps the upstream error as its cause and is recognised by the guard', () => {
    const cause = new Error('socket hang up');
    const error = new ConnectorError('upstream_unavailable', 'A12 unreachable', { cause });
    expect(error.cause).toBe(cause);
    expect(isConnectorError(error)).toBe(true);
    expect(isConnectorError(cause)).toBe(false);
  });
});
