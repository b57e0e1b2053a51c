import { existsSync } from 'node:fs';
import { join } from 'node:path';

import express, { Router } from 'express';

import { sendProblem } from '@vc/conference-core';

import { dashboardDist } from './build.js';

/**
 * Serves the built admin dashboard at its mount path; unknown paths below it get `index.html` (a
 * single-page app with the OIDC callback at its root). Without a build it says how to make one.
 */
export function adminDashboardRouter(dist = dashboardDist): Router {
  const router = Router();
  const index = join(dist, 'index.html');
  router.use(express.static(dist, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForIndex }));
  router.use((req, res) => {
    if (!existsSync(index)) {
      sendProblem(res, {
        status: 503,
        code: 'service_unavailable',
        title: 'The admin dashboard is not built',
        detail: 'Run `npm run build:admin` (npm start does it for you).',
      });
      return;
    }
    res.set('cache-control', 'no-cache').sendFile(index);
  });
  return router;
}

function noCacheForIndex(res: express.Response, path: string): void {
  if (path.endsWith('index.html')) res.set('cache-control', 'no-cache');
}
