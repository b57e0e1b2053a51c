export { a12Connector } from './a12-connector.js';
export { a12Settings } from './settings.js';
export type { A12Settings } from './settings.js';
export {
  DEFAULT_TOLERANCE_SECONDS,
  signWebhook,
  verifyWebhook,
  webhookHeaders,
} from './webhook-signature.js';
export type { WebhookVerdict } from './webhook-signature.js';
