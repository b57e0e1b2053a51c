import type { ConnectorLogger } from '@vc/connector-sdk';
import type { Logger } from '@vc/conference-core';

/**
 * The logger a connector gets: the hub's logger with tenant and connector fields, and every
 * occurrence of this instance's secret values blanked, in the message and in any field, whatever
 * the field is called (a connector that logs its settings or an upstream error echoing a password
 * must not put it in the log).
 */
export function connectorLogger(logger: Logger, secretValues: readonly string[]): ConnectorLogger {
  const secrets = secretValues.filter((s) => s.length >= 1);
  const scrubText = (text: string) =>
    secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
  const scrub = (value: unknown, depth = 0): unknown => {
    if (typeof value === 'string') return scrubText(value);
    if (depth > 8 || typeof value !== 'object' || value === null) return value;
    if (value instanceof Error) return { name: value.name, message: scrubText(value.message) };
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
  };
  const wrap =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (fields: object, message: string): void =>
      logger[level](scrub(fields) as Record<string, unknown>, scrubText(message));
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}

/** An error message safe to store and show: secret values blanked. */
export function scrubMessage(message: string, secretValues: readonly string[]): string {
  return secretValues.reduce(
    (out, secret) => (secret === '' ? out : out.split(secret).join('[redacted]')),
    message,
  );
}
