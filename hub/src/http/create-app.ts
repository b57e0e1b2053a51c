import express, { type Express, type RequestHandler } from 'express';

import { errorHandler, notFound, type Authenticator, type Logger } from '@vc/conference-core';

import { healthRoutes, type HealthRoutesOptions } from './health-routes.js';
import type { HttpMetrics } from './metrics.js';

export interface AppOptions {
  readonly logger: Logger;
  readonly metrics: HttpMetrics;
  readonly health: Omit<HealthRoutesOptions, 'metrics'>;
  /** Authenticates API requests (bearer tokens, invite codes); for the API v1 routes. */
  readonly auth: Authenticator;
  /** The development issuer, mounted before the JSON body parser (it parses its own bodies). */
  readonly identityProvider?: { readonly path: string; readonly handler: RequestHandler };
}

/** The express application: probes and metrics now; the API v1 and static clients join later. */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(options.metrics.middleware);
  if (options.identityProvider !== undefined) {
    app.use(options.identityProvider.path, options.identityProvider.handler);
  }
  app.use(express.json({ limit: '1mb' }));
  app.use(healthRoutes({ ...options.health, metrics: options.metrics.registry }));
  app.use(notFound);
  app.use(errorHandler(options.logger));
  return app;
}
