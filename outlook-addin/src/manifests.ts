/** The manifests, for the hub that renders them (no browser code, no Node-only parser). */
export { ADDIN_ID, addinBaseUrl, renderAddinManifest } from './manifest/addin-manifest.js';
export { APP_ID, renderAppManifest } from './manifest/app-manifest.js';
