export { ConnectorError, connectorErrorCodes, isConnectorError } from './connector-error.js';
export type { ConnectorErrorCode, ConnectorErrorOptions } from './connector-error.js';
