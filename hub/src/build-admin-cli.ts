import { ensureDashboardBuilt } from './admin-dashboard/build.js';

/** `npm run build:admin` (and the prestart step): builds the admin dashboard when it is stale. */
const force = process.argv.includes('--force');
const started = Date.now();
const outcome = await ensureDashboardBuilt({ force });
process.stdout.write(
  outcome === 'built'
    ? `admin dashboard built in ${Date.now() - started} ms\n`
    : 'admin dashboard is up to date\n',
);
