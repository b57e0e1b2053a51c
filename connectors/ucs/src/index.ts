export { ucsConnector } from './ucs-connector.js';
export { ucsSettings } from './settings.js';
export { userAttributes } from './map-entry.js';
export type { UcsSettings } from './settings.js';
export { escapeFilterValue, filter } from './filter.js';
export { listListenerFiles, readListenerChanges, removeAppliedListenerFiles } from './listener-files.js';
export type { ListenerChanges } from './listener-files.js';
