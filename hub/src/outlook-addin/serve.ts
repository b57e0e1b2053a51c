import { existsSync } from 'node:fs';
import { join } from 'node:path';

import express, { Router } from 'express';

import { sendProblem } from '@vc/conference-core';
import { renderAddinManifest, renderAppManifest } from '@vc/outlook-addin/manifests';

import { outlookAddinDist } from './build.js';

/**
 * Serves the Outlook add-in and the personal tab at `/outlook/`: the built pages and icons, and
 * both manifests rendered for the hub's public URL (Outlook and Teams load every file from there).
 * Without a build the pages answer 503 saying how to make one; the manifests need no build.
 */
export function outlookAddinRouter(publicUrl: () => string, dist = outlookAddinDist): Router {
  const router = Router();
  router.get('/manifest.xml', (_req, res) => {
    res
      .type('application/xml')
      .set('cache-control', 'no-cache')
      .send(renderAddinManifest({ publicUrl: publicUrl() }));
  });
  router.get('/app/manifest.json', (_req, res) => {
    res.set('cache-control', 'no-cache').json(renderAppManifest({ publicUrl: publicUrl() }));
  });
  // The unified manifest names its icons relative to itself (as inside an app package).
  router.use('/app', express.static(join(dist, 'icons'), { maxAge: '1h', fallthrough: false }));
  router.use('/assets', express.static(join(dist, 'assets'), { immutable: true, maxAge: '1y' }));
  router.use(
    express.static(dist, {
      index: false,
      maxAge: 0,
      setHeaders: (res) => res.set('cache-control', 'no-cache'),
    }),
  );
  router.use((req, res, next) => {
    if (existsSync(join(dist, 'taskpane.html')) || (req.method !== 'GET' && req.method !== 'HEAD')) {
      next();
      return;
    }
    sendProblem(res, {
      status: 503,
      code: 'service_unavailable',
      title: 'The Outlook add-in is not built',
      detail: 'Run `npm run build:outlook` (npm start does it for you).',
    });
  });
  return router;
}
