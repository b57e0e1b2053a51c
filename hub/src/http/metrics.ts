import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One Prometheus registry per hub instance (not prom-client's global one), so two hubs in one
 * test process never collide. Routes are labelled by their pattern, never by the raw path, so an
 * id in a URL cannot blow up the number of series.
 */
export interface HttpMetrics {
  readonly registry: Registry;
  readonly middleware: RequestHandler;
}

export interface HttpMetricsOptions {
  /**
   * The API's route patterns in OpenAPI form (`/v1/events/{eventId}`). A request the body parser
   * refuses (400, 413, 415) never reaches its route, so it is labelled by the pattern its path
   * matches instead of `unmatched`.
   */
  readonly routes?: readonly string[];
  /** Folders of static files (`/admin/`), each labelled as one route: `/admin/*`. */
  readonly staticPrefixes?: readonly string[];
}

export function createHttpMetrics(options: HttpMetricsOptions = {}): HttpMetrics {
  // Literal paths first: `/v1/users/me` wins over a `/v1/users/{userId}`.
  const patterns = (options.routes ?? [])
    .map(compileRoute)
    .sort((a, b) => a.label.split(':').length - b.label.split(':').length);
  const staticPrefixes = options.staticPrefixes ?? [];
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const middleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const labels = {
        method: req.method,
        route: routeLabel(req, patterns, staticPrefixes),
        status: String(res.statusCode),
      };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
  return { registry, middleware };
}

interface CompiledRoute {
  readonly label: string;
  readonly regex: RegExp;
}

/** `/v1/events/{eventId}` matches `/v1/events/<one segment>` and is labelled `/v1/events/:eventId`. */
function compileRoute(pattern: string): CompiledRoute {
  const parts = pattern.split(/\{[A-Za-z0-9_]+\}/);
  const regex = new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')}/?$`);
  return { label: pattern.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1'), regex };
}

function routeLabel(
  req: Parameters<RequestHandler>[0],
  patterns: readonly CompiledRoute[],
  staticPrefixes: readonly string[],
): string {
  const path = req.originalUrl.split('?')[0] ?? '';
  const prefix = staticPrefixes.find((p) => path.startsWith(p));
  if (prefix !== undefined) return `${prefix}*`;
  const route: unknown = req.route;
  if (typeof route === 'object' && route !== null && 'path' in route && typeof route.path === 'string') {
    return req.baseUrl + route.path;
  }
  return patterns.find((p) => p.regex.test(path))?.label ?? 'unmatched';
}
