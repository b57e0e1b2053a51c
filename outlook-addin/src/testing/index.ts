/** Seams for the system tests in tests/ (`@vc/<package>/testing`); never imported by production code. */

// Imported by the system tests in tests/ (they import packages, never other folders' files).
export { validateAppManifest } from '../manifest/app-manifest.js';
export { pngSize } from '../manifest/icon-sizes.js';
export { validateAddinManifest } from '../manifest/validate-addin-manifest.js';
