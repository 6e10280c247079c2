// /scim/v2/:directoryId — SCIM 2.0 for Okta, Entra ID and the rest. Authentication, media types,
// ETags and the SCIM error format live here; each route hands one parsed request to src/scim.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { InvalidRequest } from '../../../errors.js';
import { authenticateScim } from '../../../scim/auth.js';
import { asScimError, scimErrorBody } from '../../../scim/error-response.js';
import { ScimError } from '../../../scim/errors.js';
import type { ScimRequestScope } from '../../../scim/users.js';
import type { DirectoryReads } from '../../../store/directory-data.js';
import { toGatewayError } from '../../middleware/errors.js';
import { locals } from '../../middleware/request-context.js';
import { mountDiscovery } from './discovery.js';
import { mountResources, type ScimServices } from './resources.js';

/** Large enough for a PUT of a group with ~10k members, small enough to parse quickly. */
export const SCIM_BODY_LIMIT_BYTES = 1024 * 1024;
/** SCIM traffic is recorded on the directory at most this often (a write per request would not scale). */
const LAST_REQUEST_GRANULARITY_MS = 30_000;
const MEDIA_TYPES = ['application/scim+json', 'application/json'];

export interface ScimRouteDeps extends ScimServices {
  data: DirectoryReads;
  publicUrl: string;
  clock: () => Date;
}

export function scimRoutes(deps: ScimRouteDeps): Router {
  const router = Router({ mergeParams: true });
  const parse = express.json({ limit: SCIM_BODY_LIMIT_BYTES, strict: true, type: MEDIA_TYPES });
  // When this process last recorded each directory's traffic: saves the UPDATE on nearly every request.
  const touched = new Map<string, number>();
  const touch = (directoryId: string, now: Date, log: { warn: (o: object, m: string) => void }) => {
    if (now.getTime() - (touched.get(directoryId) ?? 0) < LAST_REQUEST_GRANULARITY_MS) return;
    if (touched.size > 10_000) touched.clear();
    touched.set(directoryId, now.getTime());
    deps.data.touchLastRequest(directoryId, now, LAST_REQUEST_GRANULARITY_MS).catch((err: unknown) => log.warn({ err }, 'could not record SCIM activity'));
  };
  router.use(async (req: Request<{ directoryId: string }>, res, next) => {
    const now = deps.clock();
    const credential = await authenticateScim(deps.data, req.params.directoryId, req.get('authorization'), now);
    const { requestId } = locals(res);
    const actor = { ...credential, requestId, ip: req.ip ?? null, userAgent: req.get('user-agent')?.slice(0, 512) ?? null };
    res.locals.scim = { actor, base: `${deps.publicUrl}/scim/v2/${credential.directoryId}` } satisfies ScimRequestScope;
    touch(credential.directoryId, now, locals(res).log);
    next();
  });
  router.use((req, res, next) => {
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && !req.is(MEDIA_TYPES)) {
      next(new InvalidRequest('Content-Type must be application/scim+json', { status: 415, code: 'unsupported_media_type' }));
      return;
    }
    parse(req, res, next);
  });
  mountDiscovery(router);
  mountResources(router, deps);
  router.use((req, _res, next) => next(new ScimError(404, undefined, `No SCIM endpoint ${req.method} ${req.path}`)));
  router.use(scimErrorHandler(deps));
  return router;
}

/** An authenticated client's refused request, kept on its directory for the setup portal (the path without the query: filters may hold personal data). */
function remember(deps: ScimRouteDeps, req: Request, res: Response, scim: ScimError): void {
  const scope = res.locals.scim as ScimRequestScope | undefined;
  if (!scope) return;
  const entry = { at: deps.clock().toISOString(), method: req.method, path: req.path.slice(0, 200), status: scim.status, scim_type: scim.scimType ?? null, detail: scimErrorBody(scim).detail.slice(0, 300) };
  deps.data.recordError(scope.actor.directoryId, entry).catch((err: unknown) => locals(res).log.warn({ err }, 'could not record the SCIM error'));
}

const scimErrorHandler = (deps: ScimRouteDeps) => (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
  const known = toGatewayError(error);
  const scim = known ? asScimError(known) : new ScimError(500, undefined, 'An internal error occurred', { cause: error });
  remember(deps, req, res, scim);
  const { log } = locals(res);
  if (scim.status >= 500) log.error({ err: error, code: scim.code }, 'SCIM request failed');
  else log.info({ code: scim.code, scim_type: scim.scimType, detail: scim.detail }, 'SCIM request refused');
  if (res.headersSent) return void res.end();
  if (scim.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="SCIM"');
  res.status(scim.status).type('application/scim+json').send(JSON.stringify(scimErrorBody(scim)));
};
