import express, { type Express, type RequestHandler, type Router } from 'express';

import { errorHandler, notFound, type Logger, type OutageLog } from '@vc/conference-core';

import { healthRoutes, type HealthRoutesOptions } from './health-routes.js';
import type { HttpMetrics } from './metrics.js';

export interface AppOptions {
  readonly logger: Logger;
  readonly metrics: HttpMetrics;
  /** Logs each dependency outage once while requests meet it. */
  readonly outages?: OutageLog;
  readonly health: Omit<HealthRoutesOptions, 'metrics'>;
  /** The REST API v1 (when this process has the api role). */
  readonly api?: Router;
  /** The development issuer, mounted before the JSON body parser (it parses its own bodies). */
  readonly identityProvider?: { readonly path: string; readonly handler: RequestHandler };
  /** The conference web client, served at `/` (its pages for every path the server does not own). */
  readonly webClient?: Router;
  /** The Outlook add-in and the personal tab, with their manifests, served at `/outlook/`. */
  readonly outlookAddin?: Router;
  /** Signed inbound hooks (A12 push hints), mounted before the JSON body parser: they verify the raw body. */
  readonly rawBodyHooks?: Router;
  /** The innovaphone myApps app's static files, at `/innovaphone/<instance>/` (decision 0024). */
  readonly innovaphoneApp?: Router;
  /** Where upstreams push changes with JSON bodies (Graph change notifications). */
  readonly webhooks?: Router;
}

/**
 * The express application: probes, metrics, the development issuer, the API v1 and the web
 * client (which includes the admin dashboard at `/admin/`).
 */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(options.metrics.middleware);
  if (options.identityProvider !== undefined) {
    app.use(options.identityProvider.path, options.identityProvider.handler);
  }
  if (options.rawBodyHooks !== undefined) app.use(options.rawBodyHooks);
  app.use(express.json({ limit: '1mb' }));
  app.use(healthRoutes({ ...options.health, metrics: options.metrics.registry }));
  if (options.webhooks !== undefined) app.use(options.webhooks);
  if (options.api !== undefined) app.use(options.api);
  if (options.outlookAddin !== undefined) app.use('/outlook', options.outlookAddin);
  if (options.innovaphoneApp !== undefined) app.use(options.innovaphoneApp);
  if (options.webClient !== undefined) app.use(options.webClient);
  app.use(notFound);
  app.use(errorHandler(options.logger, options.outages === undefined ? {} : { outages: options.outages }));
  return app;
}
