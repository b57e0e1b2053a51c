import type { ConnectorDefinition } from '@vc/connector-sdk';
import { a12Connector } from '@vc/connector-a12';
import { innovaphoneConnector } from '@vc/connector-innovaphone';
import { microsoft365Connector } from '@vc/connector-microsoft365';
import { ucsConnector } from '@vc/connector-ucs';

/** The connectors this hub knows, by hand: nothing is discovered from the filesystem. */
export const connectorDefinitions: readonly ConnectorDefinition[] = [
  ucsConnector,
  a12Connector,
  microsoft365Connector,
  innovaphoneConnector,
];

export interface ConnectorRegistry {
  readonly all: readonly ConnectorDefinition[];
  find(id: string): ConnectorDefinition | undefined;
}

export function createConnectorRegistry(
  definitions: readonly ConnectorDefinition[] = connectorDefinitions,
): ConnectorRegistry {
  const byId = new Map(definitions.map((definition) => [definition.id, definition]));
  if (byId.size !== definitions.length) throw new Error('two connectors share an id');
  return { all: definitions, find: (id) => byId.get(id) };
}
