import { hubBundleIsStale } from './hub-bundle.js';
import { outlookAddinIsStale } from '../outlook-addin/build.js';
import { webClientIsStale } from '../web-client/build.js';

/**
 * The parts whose sources changed since they were built. Compiled into `hub/dist/` too, so the
 * launcher (`hub/run.mjs`) can ask without starting the TypeScript tool chain when nothing changed.
 */
export function staleParts(): string[] {
  return [
    ...(hubBundleIsStale() ? ['hub'] : []),
    ...(webClientIsStale() ? ['web client'] : []),
    ...(outlookAddinIsStale() ? ['Outlook add-in'] : []),
  ];
}
