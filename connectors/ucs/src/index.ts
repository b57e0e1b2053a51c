export { ucsConnector } from './ucs-connector.js';
