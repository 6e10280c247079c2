// Express assembly: the order of middleware is the security posture, so it lives in one place.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type RequestHandler, type Response, type Router } from 'express';
import helmet from 'helmet';
import { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { errorHandler, notFoundHandler } from './middleware/errors.js';
import { createHttpMetrics, rememberMountPath } from './middleware/metrics.js';
import { requestContext, requestLog } from './middleware/request-context.js';
import { lane } from './lane.js';
import type { ScimLane } from './routes/scim/index.js';
import { adminRoutes, type AdminServices } from './routes/admin/index.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { PORTAL_SCRIPT, PORTAL_SCRIPT_PATH } from './views/portal/layout.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  services: AdminServices;
  readiness: ReadinessCheck[];
  /** The product-facing OpenID Provider's express handler (it passes other paths on). */
  openIdProvider?: RequestHandler;
  /** Browser-facing routers (sign-in pages, callbacks), mounted before the admin API. */
  routers?: Router[];
  /** SCIM 2.0 for directories at /scim/v2/:directoryId, served ahead of express (see lane.ts). */
  scim?: ScimLane;
  /** More metrics for /metrics (the sign-in side's counters). */
  metrics?: Registry[];
  /** Operator-only routers (the BullMQ queue dashboard), mounted after the admin API. */
  operatorRouters?: Router[];
}

/** The gateway's request listener: SCIM on its own lane, everything else through express. */
export function createApp(deps: AppDeps): RequestListener {
  const metrics = createHttpMetrics();
  const app = expressApp(deps, metrics);
  const scim = deps.scim;
  if (!scim) return app;
  const options = { logger: deps.logger, metrics, trustProxy: deps.config.http.trustProxy, https: deps.config.http.publicUrl.startsWith('https:') };
  const serveScim = lane(options, (x, { directoryId, rest, search }: ScimTarget) => scim(x, directoryId, rest, search));
  return (req: IncomingMessage, res: ServerResponse) => {
    const target = scimTarget(req.url ?? '');
    if (target) serveScim(req, res, target);
    else app(req, res);
  };
}

interface ScimTarget {
  directoryId: string;
  rest: string;
  search: string;
}

const SCIM_PATH = /^\/scim\/v2\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/i;

function scimTarget(url: string): ScimTarget | undefined {
  const match = SCIM_PATH.exec(url);
  if (!match) return undefined;
  let directoryId: string;
  try {
    directoryId = decodeURIComponent(match[1]!);
  } catch {
    directoryId = match[1]!;
  }
  return { directoryId, rest: match[2]!, search: match[3] ?? '' };
}

function expressApp(deps: AppDeps, metrics: ReturnType<typeof createHttpMetrics>) {
  const app = express();
  app.disable('x-powered-by');
  // Responses are no-store; the only ETags are SCIM's resource versions, set explicitly.
  app.set('etag', false);
  app.set('trust proxy', deps.config.http.trustProxy);
  // Express 5 re-parses req.query on each access; "simple" keeps nested objects out of it.
  app.set('query parser', 'simple');

  app.use(requestContext(deps.logger), requestLog(), metrics.middleware);
  // A per-response nonce lets the one inline script we serve (auto-submitting the SAML POST
  // binding form) run while every other inline script stays blocked.
  app.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString('base64');
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce as string}'`],
          formAction: ["'self'", 'https:', 'http:'],
        },
      },
      strictTransportSecurity: deps.config.http.publicUrl.startsWith('https:'),
    }),
  );
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  app.get(PORTAL_SCRIPT_PATH, (_req, res) => {
    res.type('application/javascript').setHeader('Cache-Control', 'public, max-age=3600');
    res.send(PORTAL_SCRIPT);
  });
  app.use(healthRoutes(deps.readiness, deps.metrics?.length ? Registry.merge([metrics.registry, ...deps.metrics]) : metrics.registry));
  if (deps.openIdProvider) app.use(deps.openIdProvider);
  for (const router of deps.routers ?? []) app.use(router);
  app.use('/api/v1', rememberMountPath, adminRoutes(deps.services, deps.config.http.bodyLimitBytes));
  for (const router of deps.operatorRouters ?? []) app.use(router);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
