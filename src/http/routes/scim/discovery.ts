// RFC 7644 §4: what this service provider supports, for clients that read it (Entra's validator).
import type { Router } from 'express';
import { ScimError } from '../../../scim/errors.js';
import { resourceTypes, schemas, serviceProviderConfig } from '../../../scim/resources/discovery.js';
import { listResponse } from '../../../scim/render.js';
import { scopeOf } from './scope.js';
import { send } from './resources.js';

function byId<T extends { id: string }>(items: T[], id: string, what: string): T {
  const found = items.find((item) => item.id.toLowerCase() === id.toLowerCase());
  if (!found) throw new ScimError(404, undefined, `${what} ${id} not found`);
  return found;
}

export function mountDiscovery(router: Router): void {
  router.get('/ServiceProviderConfig', (_req, res) => send(res, 200, serviceProviderConfig(scopeOf(res).base)));
  router.get('/ResourceTypes', (_req, res) => {
    const all = resourceTypes(scopeOf(res).base);
    send(res, 200, listResponse(all, all.length, 1));
  });
  router.get('/ResourceTypes/:id', (req, res) => send(res, 200, byId(resourceTypes(scopeOf(res).base), req.params.id, 'Resource type')));
  router.get('/Schemas', (_req, res) => {
    const all = schemas(scopeOf(res).base);
    send(res, 200, listResponse(all, all.length, 1));
  });
  router.get('/Schemas/:id', (req, res) => send(res, 200, byId(schemas(scopeOf(res).base), req.params.id, 'Schema')));
}
