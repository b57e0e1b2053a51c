export { microsoft365Connector } from './microsoft365-connector.js';
export { microsoft365Settings } from './settings.js';
export type { Microsoft365Settings } from './settings.js';
export { addinEventIdName, addinPropertyId, eventIdPropertyId } from './calendar-items.js';
export { msalTokenProvider } from './token-provider.js';
export type { TokenProvider } from './token-provider.js';
