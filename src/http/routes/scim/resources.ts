// /Users and /Groups: the same six operations on both, with ETags (meta.version) and If-Match.
import type { OutgoingHttpHeaders } from 'node:http';
import { parseListParams, parseReadParams } from '../../../scim/list-params.js';
import type { ScimGroups } from '../../../scim/groups.js';
import { etagOf, type ScimResource } from '../../../scim/render.js';
import type { ScimUsers } from '../../../scim/users.js';
import { ScimError } from '../../../scim/errors.js';
import { header, type LaneExchange } from '../../lane.js';
import { route, type ScimCall, type ScimRoute } from './routing.js';

export interface ScimServices {
  users: ScimUsers;
  groups: ScimGroups;
}

const SCIM_JSON = 'application/scim+json; charset=utf-8';

export function send(x: LaneExchange, status: number, body: unknown, version?: number, extra: OutgoingHttpHeaders = {}): void {
  const headers: OutgoingHttpHeaders = { 'content-type': SCIM_JSON, ...extra };
  if (version !== undefined) headers.etag = etagOf(version);
  x.reply(status, headers, JSON.stringify(body));
}

/** If-Match (RFC 7232) against our weak ETags (`W/"<version>"`): `*` or absent = any version. */
export function expectedVersion(x: LaneExchange): number | undefined {
  const value = header(x.req.headers, 'if-match')?.trim();
  if (value === undefined || value === '' || value === '*') return undefined;
  const version = /^(?:W\/)?"(\d{1,9})"$/.exec(value)?.[1];
  // An ETag we never issued (or a list of several) cannot be the one current version.
  if (version === undefined) throw new ScimError(412, undefined, 'If-Match does not name one version of this resource');
  return Number(version);
}

function notModified(x: LaneExchange, version: number): boolean {
  const value = header(x.req.headers, 'if-none-match');
  if (value === undefined || !value.split(',').some((t) => t.trim() === etagOf(version) || t.trim() === `"${version}"`)) return false;
  x.reply(304, { etag: etagOf(version) });
  return true;
}

function operations(path: string, service: ScimUsers | ScimGroups): ScimRoute[] {
  return [
    route('GET', path, async ({ x, scope, query }) => send(x, 200, await service.list(scope, parseListParams(query)))),
    route('POST', path, async ({ x, scope, body }) => {
      const { resource, version } = await service.create(scope, body);
      send(x, 201, resource, version, { location: (resource.meta as { location: string }).location });
    }),
    route('GET', `${path}/:id`, async ({ x, scope, id, query }) => {
      const { resource, version } = await service.get(scope, id, parseReadParams(query));
      if (!notModified(x, version)) send(x, 200, resource, version);
    }),
    route('PUT', `${path}/:id`, async ({ x, scope, id, body }) => {
      const { resource, version } = await service.replace(scope, id, body, expectedVersion(x));
      send(x, 200, resource, version);
    }),
    route('DELETE', `${path}/:id`, async ({ x, scope, id }) => {
      await service.delete(scope, id, expectedVersion(x));
      x.reply(204, {});
    }),
  ];
}

async function patchGroup(services: ScimServices, { x, scope, id, body, query }: ScimCall): Promise<void> {
  const { resource, version } = await services.groups.patch(scope, id, body, expectedVersion(x), parseReadParams(query));
  if (resource === undefined) return x.reply(204, { etag: etagOf(version) });
  send(x, 200, resource as ScimResource, version);
}

export function resourceRoutes(services: ScimServices): ScimRoute[] {
  return [
    ...operations('/Users', services.users),
    ...operations('/Groups', services.groups),
    route('PATCH', '/Users/:id', async ({ x, scope, id, body }) => {
      const { resource, version } = await services.users.patch(scope, id, body, expectedVersion(x));
      send(x, 200, resource, version);
    }),
    route('PATCH', '/Groups/:id', (call) => patchGroup(services, call)),
  ];
}
