import { existsSync } from 'node:fs';
import { join } from 'node:path';

import express, { Router, type Request } from 'express';

import { webClientDist } from './build.js';

/**
 * Paths that belong to the server, never to the web client: an unknown path below them stays a
 * 404 problem instead of becoming the app's page. `/admin/` is the web client's admin dashboard.
 */
const serverPrefixes = [
  '/v1',
  '/idp',
  '/signaling',
  '/healthz',
  '/readyz',
  '/metrics',
  '/assets',
  '/outlook',
  '/innovaphone',
];

function isAppPage(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (serverPrefixes.some((prefix) => req.path === prefix || req.path.startsWith(`${prefix}/`))) return false;
  return req.accepts(['html', 'json']) === 'html';
}

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<title>Starting</title></head><body>
<p>The web client is being built (first start, or its sources changed); this page reloads itself.</p>
<p>If it stays here: <code>npm run build</code>, then start the hub again.</p>
</body></html>
`;

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
      // At a first `npm start` the bundle builds beside the starting hub (docs/decisions/0022): a
      // page that reloads itself until the build is there, and a hint for a runtime install.
      res
        .status(503)
        .set({ 'retry-after': '5', 'cache-control': 'no-store' })
        .type('html')
        .send(notBuiltPage);
      return;
    }
    res.set('cache-control', 'no-cache').sendFile(index);
  });
  return router;
}
