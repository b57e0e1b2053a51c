import { existsSync } from 'node:fs';
import { join } from 'node:path';

import express, { Router, type Request } from 'express';

import { sendProblem } from '@vc/conference-core';

import { webClientDist } from './build.js';

/**
 * Paths that belong to the server, never to the web client: an unknown path below them stays a
 * 404 problem instead of becoming the app's page. `/admin/` is the web client's admin dashboard.
 */
const serverPrefixes = ['/v1', '/idp', '/signaling', '/healthz', '/readyz', '/metrics', '/assets'];

function isAppPage(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (serverPrefixes.some((prefix) => req.path === prefix || req.path.startsWith(`${prefix}/`))) return false;
  return req.accepts(['html', 'json']) === 'html';
}

/**
 * Serves the built web client at `/`: its hashed assets (cached for long), and `index.html` for
 * every page path (`/`, `/invite/<code>`, `/rooms/<id>`, `/auth/callback`...), since the app routes
 * in the browser. Without a build it says how to make one.
 */
export function webClientRouter(dist = webClientDist): Router {
  const router = Router();
  const index = join(dist, 'index.html');
  // File names carry a content hash: cache them for good. A missing asset falls through to 404.
  router.use('/assets', express.static(join(dist, 'assets'), { immutable: true, maxAge: '1y' }));
  router.use((req, res, next) => {
    if (!isAppPage(req)) {
      next();
      return;
    }
    if (!existsSync(index)) {
      sendProblem(res, {
        status: 503,
        code: 'service_unavailable',
        title: 'The web client is not built',
        detail: 'Run `npm run build:web` (npm start does it for you).',
      });
      return;
    }
    res.set('cache-control', 'no-cache').sendFile(index);
  });
  return router;
}
