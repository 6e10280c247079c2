// Prometheus request metrics by route pattern (never the raw path: ids would explode cardinality).
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface HttpMetrics {
  registry: Registry;
  middleware: (req: Request, res: Response, next: NextFunction) => void;
  /** For handlers outside express (the SCIM lane): one finished request. */
  observe(method: string, route: string, status: number, seconds: number): void;
}

export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gatehouse_' });
  const requests = new Counter({
    name: 'gatehouse_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    const end = duration.startTimer();
    res.on('finish', () => {
      const route = routeOf(req, res);
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ method: req.method, route });
    });
    next();
  };
  // Label sets are few (methods x route patterns x statuses): their children are kept, so a
  // request does not hash its labels twice.
  const children = new Map<string, { count: () => void; time: (seconds: number) => void }>();
  const observe = (method: string, route: string, status: number, seconds: number): void => {
    const key = `${method} ${status} ${route}`;
    let child = children.get(key);
    if (child === undefined) {
      const counter = requests.labels(method, route, String(status));
      const timer = duration.labels(method, route);
      child = { count: () => counter.inc(), time: (s) => timer.observe(s) };
      children.set(key, child);
    }
    child.count();
    child.time(seconds);
  };
  return { registry, middleware, observe };
}

/**
 * Mount before a router: express resets req.baseUrl once a router is left (as it is when its
 * route throws), so the mount path is remembered for the route label.
 */
export function rememberMountPath(req: Request, res: Response, next: NextFunction): void {
  res.locals.mountPath = req.baseUrl;
  next();
}

function routeOf(req: Request, res: Response): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  const base = typeof res.locals.mountPath === 'string' ? res.locals.mountPath : req.baseUrl;
  return typeof pattern === 'string' ? `${base}${pattern}` : 'unmatched';
}
