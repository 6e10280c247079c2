// /scim/v2/:directoryId — SCIM 2.0 for Okta, Entra ID and the rest, on a lane of its own (see
// ../../lane.ts). Authentication, media types, bodies and the SCIM error format live here; each
// route hands one parsed request to src/scim.
import { parse as parseQuery } from 'node:querystring';
import { InvalidRequest } from '../../../errors.js';
import type { ScimAuthenticator } from '../../../scim/credentials.js';
import { asScimError, scimErrorBody } from '../../../scim/error-response.js';
import { ScimError } from '../../../scim/errors.js';
import type { ScimRequestScope } from '../../../scim/users.js';
import type { DirectoryReads } from '../../../store/directory-data.js';
import { header, type LaneExchange } from '../../lane.js';
import { readJsonBody } from '../../lane-body.js';
import { toGatewayError } from '../../middleware/errors.js';
import { discoveryRoutes } from './discovery.js';
import { matchRoute, type ScimRoute } from './routing.js';
import { resourceRoutes, type ScimServices } from './resources.js';

/** Large enough for a PUT of a group with ~10k members, small enough to parse quickly. */
export const SCIM_BODY_LIMIT_BYTES = 1024 * 1024;
/** SCIM traffic is recorded on the directory at most this often (a write per request would not scale). */
const LAST_REQUEST_GRANULARITY_MS = 30_000;
const MEDIA_TYPES = /^application\/(scim\+)?json\s*(;|$)/i;
const ROUTE_PREFIX = '/scim/v2/:directoryId';

export interface ScimRouteDeps extends ScimServices {
  data: DirectoryReads;
  credentials: ScimAuthenticator;
  publicUrl: string;
  clock: () => Date;
}

/** Serves one request whose path is `/scim/v2/<directoryId><rest>?<search>`. */
export type ScimLane = (exchange: LaneExchange, directoryId: string, rest: string, search: string) => Promise<void>;

export function scimRoutes(deps: ScimRouteDeps): ScimLane {
  const routes: ScimRoute[] = [...discoveryRoutes(), ...resourceRoutes(deps)];
  const touch = lastRequestRecorder(deps);
  return async (x, directoryId, rest, search) => {
    let scope: ScimRequestScope | undefined;
    try {
      const now = deps.clock();
      const credential = await deps.credentials.authenticate(directoryId, header(x.req.headers, 'authorization'), now);
      const actor = { ...credential, requestId: x.requestId, ip: x.ip, userAgent: header(x.req.headers, 'user-agent')?.slice(0, 512) ?? null };
      scope = { actor, base: `${deps.publicUrl}/scim/v2/${credential.directoryId}` };
      touch(credential.directoryId, now, x);
      const method = x.req.method === 'HEAD' ? 'GET' : (x.req.method ?? 'GET');
      const found = matchRoute(routes, method, rest);
      if (!found) throw new ScimError(404, undefined, `No SCIM endpoint ${x.req.method} ${rest || '/'}`);
      x.route = `${ROUTE_PREFIX}${found.route.pattern}`;
      const body = await bodyOf(x, method);
      await found.route.handle({ x, scope, query: parseQuery(search), body, id: found.id });
    } catch (error) {
      refuse(deps, x, scope, error);
    }
  };
}

async function bodyOf(x: LaneExchange, method: string): Promise<unknown> {
  if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return undefined;
  if (!MEDIA_TYPES.test(header(x.req.headers, 'content-type') ?? '')) {
    throw new InvalidRequest('Content-Type must be application/scim+json', { status: 415, code: 'unsupported_media_type' });
  }
  return readJsonBody(x.req, SCIM_BODY_LIMIT_BYTES);
}

function lastRequestRecorder(deps: ScimRouteDeps) {
  // When this process last recorded each directory's traffic: saves the UPDATE on nearly every request.
  const touched = new Map<string, number>();
  return (directoryId: string, now: Date, x: LaneExchange) => {
    if (now.getTime() - (touched.get(directoryId) ?? 0) < LAST_REQUEST_GRANULARITY_MS) return;
    if (touched.size > 10_000) touched.clear();
    touched.set(directoryId, now.getTime());
    deps.data.touchLastRequest(directoryId, now, LAST_REQUEST_GRANULARITY_MS).catch((err: unknown) => x.log.warn({ err }, 'could not record SCIM activity'));
  };
}

/** An authenticated client's refused request, kept on its directory for the setup portal (the path without the query: filters may hold personal data). */
function remember(deps: ScimRouteDeps, x: LaneExchange, scope: ScimRequestScope | undefined, scim: ScimError): void {
  if (!scope) return;
  const path = (x.req.url ?? '').split('?', 1)[0]!.replace(/^\/scim\/v2\/[^/]*/i, '');
  const entry = { at: deps.clock().toISOString(), method: x.req.method ?? 'GET', path: path.slice(0, 200), status: scim.status, scim_type: scim.scimType ?? null, detail: scimErrorBody(scim).detail.slice(0, 300) };
  deps.data.recordError(scope.actor.directoryId, entry).catch((err: unknown) => x.log.warn({ err }, 'could not record the SCIM error'));
}

function refuse(deps: ScimRouteDeps, x: LaneExchange, scope: ScimRequestScope | undefined, error: unknown): void {
  const known = toGatewayError(error);
  const scim = known ? asScimError(known) : new ScimError(500, undefined, 'An internal error occurred', { cause: error });
  remember(deps, x, scope, scim);
  if (scim.status >= 500) x.log.error({ err: error, code: scim.code }, 'SCIM request failed');
  else x.log.info({ code: scim.code, scim_type: scim.scimType, detail: scim.detail }, 'SCIM request refused');
  if (x.res.headersSent) return void x.res.end();
  const headers: Record<string, string> = { 'content-type': 'application/scim+json; charset=utf-8' };
  if (scim.status === 401) headers['www-authenticate'] = 'Bearer realm="SCIM"';
  // A refused body may still be arriving; the connection is not worth keeping for it.
  if (scim.status === 413 || (scim.status === 415 && !x.req.complete)) headers.connection = 'close';
  x.reply(scim.status, headers, JSON.stringify(scimErrorBody(scim)));
}
