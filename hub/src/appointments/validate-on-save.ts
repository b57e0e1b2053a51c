import type { FieldProblem, Logger } from '@vc/conference-core';
import { isConnectorError, secretKeys, type ConnectorDefinition } from '@vc/connector-sdk';

import { connectorLogger, scrubMessage } from '../sync/connector-logger.js';
import { calendarsOf } from './appointment-sync.js';

const VALIDATE_TIMEOUT_MS = 30_000;

/**
 * A calendar connector checks its settings against the upstream when an admin saves them (a field
 * mapping naming a field the model lacks fails here, loudly, instead of at every poll). The
 * problem names the connector's message, which names the setting.
 */
export async function validateOnSave(
  definition: ConnectorDefinition,
  settings: Record<string, unknown>,
  logger: Logger,
): Promise<FieldProblem | undefined> {
  const calendars = calendarsOf(definition);
  if (calendars === undefined) return undefined;
  const secretValues = secretKeys(definition.settings)
    .map((key) => settings[key])
    .filter((v): v is string => typeof v === 'string' && v !== '');
  const signal = AbortSignal.timeout(VALIDATE_TIMEOUT_MS);
  try {
    await calendars.validate({
      settings,
      logger: connectorLogger(logger.child({ connector: definition.id }), secretValues),
      fetch: globalThis.fetch,
      signal,
      clock: { now: () => new Date() },
    });
    return undefined;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = isConnectorError(err)
      ? err.code
      : signal.aborted
        ? 'upstream_unavailable'
        : 'internal_error';
    return { field: 'body.settings', message: `${code}: ${scrubMessage(message, secretValues)}` };
  }
}
