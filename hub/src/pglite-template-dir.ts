import { join } from 'node:path';

import { projectRoot } from './build/project-root.js';

/**
 * Where the embedded database's initdb template is kept (conference-core `pglite-template.ts`):
 * npm's conventional cache folder of this install, so `rm -rf node_modules` clears it too. In the
 * container image it is not writable by the hub's user, and every new database runs initdb.
 */
export const pgliteTemplateDir = join(projectRoot, 'node_modules', '.cache', 'vc-hub');
