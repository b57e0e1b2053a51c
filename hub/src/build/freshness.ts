import { hubBundleIsStale } from './hub-bundle.js';
import { outlookAddinIsStale } from '../outlook-addin/build.js';
import { webClientIsStale } from '../web-client/build.js';

/**
 * Which groups of the build changed since they were built: the hub itself, and the browser bundles
 * (web client, Outlook add-in). Compiled into `hub/dist/` too, so the launcher (`hub/run.mjs`) can
 * ask without starting the TypeScript tool chain when nothing changed.
 */
export function staleGroups(): { hub: boolean; browser: boolean } {
  return { hub: hubBundleIsStale(), browser: webClientIsStale() || outlookAddinIsStale() };
}
