import express, { type Express } from 'express';

import type { Logger } from '@vc/conference-core';

import { healthRoutes, type HealthRoutesOptions } from './health-routes.js';
import type { HttpMetrics } from './metrics.js';
import { errorHandler, notFound } from './problem.js';

export interface AppOptions {
  readonly logger: Logger;
  readonly metrics: HttpMetrics;
  readonly health: Omit<HealthRoutesOptions, 'metrics'>;
}

/** The express application: probes and metrics now; the API v1 and static clients join later. */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(options.metrics.middleware);
  app.use(express.json({ limit: '1mb' }));
  app.use(healthRoutes({ ...options.health, metrics: options.metrics.registry }));
  app.use(notFound);
  app.use(errorHandler(options.logger));
  return app;
}
