import { Router } from 'express';
import type { Registry } from 'prom-client';

import { checkReadiness, type ReadinessCheck } from '../readiness.js';

export interface HealthRoutesOptions {
  readonly checks: readonly ReadinessCheck[];
  readonly metrics: Registry;
  /** True once shutdown began: the hub is alive but must not be sent new work. */
  readonly isDraining: () => boolean;
  readonly checkTimeoutMs?: number;
}

/** Liveness, readiness and Prometheus metrics; served by every role, never behind auth. */
export function healthRoutes(options: HealthRoutesOptions): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (options.isDraining()) {
      res.status(503).json({ status: 'draining', checks: {} });
      return;
    }
    const report = await checkReadiness(options.checks, options.checkTimeoutMs ?? 2000);
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'unavailable', ...report });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(options.metrics.contentType).send(await options.metrics.metrics());
  });
  return router;
}
