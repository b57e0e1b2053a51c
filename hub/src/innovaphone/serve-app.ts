import { join } from 'node:path';

import express, { Router } from 'express';

import { projectRoot } from '../build/project-root.js';

/** The myApps app's files (plain HTML/JS/CSS, no build), at the repository's `innovaphone-app/`. */
export const innovaphoneAppDir = join(projectRoot, 'innovaphone-app');

/**
 * Serves the app at `/innovaphone/<instance id>/vc-meetings.htm` (and its icon `.png`): the App
 * object's URL is `<hub>/innovaphone/<instance id>/vc-meetings`, myApps appends `.htm` and `.png`,
 * and the page opens its AppWebsocket at `./websocket` beside it. Only the app's own files are
 * served; myApps shows the app in an iframe, so no header forbids framing.
 */
export function innovaphoneAppRouter(dir = innovaphoneAppDir): Router {
  const router = Router();
  const files = express.static(dir, {
    index: false,
    dotfiles: 'deny',
    maxAge: 0,
    setHeaders: (res) => res.set('cache-control', 'no-cache'),
  });
  router.get(
    /^\/innovaphone\/([0-9a-fA-F-]{36})\/(vc-meetings[a-z-]*\.(?:htm|js|css|png))$/,
    (req, res, next) => {
      const file = (req.params as Record<string, string>)['1'] ?? '';
      req.url = `/${file}`;
      files(req, res, next);
    },
  );
  return router;
}
