import { pino } from 'pino';

import type { Logger } from '@vc/conference-core';

import type { HubConfig } from './config.js';

/**
 * Paths pino blanks out wherever they occur in a log line's fields. Tokens, passwords and
 * connection strings (which may carry credentials) never reach a log.
 */
const redactedPaths = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'accessToken',
  'refreshToken',
  'clientSecret',
  '*.clientSecret',
  'bindPassword',
  '*.bindPassword',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'databaseUrl',
  'redisUrl',
  'config.databaseUrl',
  'config.redisUrl',
];

/** Created once, in the entrypoint. Pretty output only when asked for (development). */
export function createLogger(config: Pick<HubConfig, 'logLevel' | 'logFormat'>): Logger & { flush(): void } {
  const root = pino({
    level: config.logLevel,
    base: { service: 'hub' },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(config.logFormat === 'pretty' ? { transport: { target: 'pino-pretty' } } : {}),
  });
  return Object.assign(adapt(root), { flush: () => root.flush() });
}

function adapt(log: pino.Logger): Logger {
  return {
    debug: (fields, message) => log.debug(fields, message),
    info: (fields, message) => log.info(fields, message),
    warn: (fields, message) => log.warn(fields, message),
    error: (fields, message) => log.error(fields, message),
    child: (fields) => adapt(log.child(fields)),
  };
}
