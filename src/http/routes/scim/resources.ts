// /Users and /Groups: the same six operations on both, with ETags (meta.version) and If-Match.
import type { Request, Response, Router } from 'express';
import { parseListParams, parseReadParams } from '../../../scim/list-params.js';
import type { ScimGroups } from '../../../scim/groups.js';
import { etagOf, type ScimResource } from '../../../scim/render.js';
import type { ScimUsers } from '../../../scim/users.js';
import { ScimError } from '../../../scim/errors.js';
import { scopeOf } from './scope.js';

export interface ScimServices {
  users: ScimUsers;
  groups: ScimGroups;
}

type Id = Request<{ id: string }>;

export function send(res: Response, status: number, body: unknown, version?: number): void {
  if (version !== undefined) res.setHeader('ETag', etagOf(version));
  res.status(status).type('application/scim+json').send(JSON.stringify(body));
}

/** If-Match (RFC 7232) against our weak ETags (`W/"<version>"`): `*` or absent = any version. */
export function expectedVersion(req: Request): number | undefined {
  const header = req.get('if-match')?.trim();
  if (header === undefined || header === '' || header === '*') return undefined;
  const version = /^(?:W\/)?"(\d{1,9})"$/.exec(header)?.[1];
  // An ETag we never issued (or a list of several) cannot be the one current version.
  if (version === undefined) throw new ScimError(412, undefined, 'If-Match does not name one version of this resource');
  return Number(version);
}

function notModified(req: Request, res: Response, version: number): boolean {
  const header = req.get('if-none-match');
  if (header === undefined || !header.split(',').some((t) => t.trim() === etagOf(version) || t.trim() === `"${version}"`)) return false;
  res.setHeader('ETag', etagOf(version));
  res.status(304).end();
  return true;
}

function mount(router: Router, path: string, service: ScimUsers | ScimGroups): void {
  router.get(path, async (req, res) => send(res, 200, await service.list(scopeOf(res), parseListParams(req.query))));
  router.post(path, async (req, res) => {
    const { resource, version } = await service.create(scopeOf(res), req.body);
    res.setHeader('Location', (resource.meta as { location: string }).location);
    send(res, 201, resource, version);
  });
  router.get(`${path}/:id`, async (req: Id, res) => {
    const { resource, version } = await service.get(scopeOf(res), req.params.id, parseReadParams(req.query));
    if (!notModified(req, res, version)) send(res, 200, resource, version);
  });
  router.put(`${path}/:id`, async (req: Id, res) => {
    const { resource, version } = await service.replace(scopeOf(res), req.params.id, req.body, expectedVersion(req));
    send(res, 200, resource, version);
  });
  router.delete(`${path}/:id`, async (req: Id, res) => {
    await service.delete(scopeOf(res), req.params.id, expectedVersion(req));
    res.status(204).end();
  });
}

export function mountResources(router: Router, services: ScimServices): void {
  mount(router, '/Users', services.users);
  mount(router, '/Groups', services.groups);
  router.patch('/Users/:id', async (req: Id, res) => {
    const { resource, version } = await services.users.patch(scopeOf(res), req.params.id, req.body, expectedVersion(req));
    send(res, 200, resource, version);
  });
  router.patch('/Groups/:id', async (req: Id, res) => {
    const { resource, version } = await services.groups.patch(scopeOf(res), req.params.id, req.body, expectedVersion(req), parseReadParams(req.query));
    if (resource === undefined) {
      res.setHeader('ETag', etagOf(version));
      res.status(204).end();
      return;
    }
    send(res, 200, resource as ScimResource, version);
  });
}
