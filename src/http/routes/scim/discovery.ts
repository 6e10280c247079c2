// RFC 7644 §4: what this service provider supports, for clients that read it (Entra's validator).
import { ScimError } from '../../../scim/errors.js';
import { resourceTypes, schemas, serviceProviderConfig } from '../../../scim/resources/discovery.js';
import { listResponse } from '../../../scim/render.js';
import { send } from './resources.js';
import { route, type ScimRoute } from './routing.js';

function byId<T extends { id: string }>(items: T[], id: string, what: string): T {
  const found = items.find((item) => item.id.toLowerCase() === id.toLowerCase());
  if (!found) throw new ScimError(404, undefined, `${what} ${id} not found`);
  return found;
}

export function discoveryRoutes(): ScimRoute[] {
  return [
    route('GET', '/ServiceProviderConfig', ({ x, scope }) => send(x, 200, serviceProviderConfig(scope.base))),
    route('GET', '/ResourceTypes', ({ x, scope }) => {
      const all = resourceTypes(scope.base);
      send(x, 200, listResponse(all, all.length, 1));
    }),
    route('GET', '/ResourceTypes/:id', ({ x, scope, id }) => send(x, 200, byId(resourceTypes(scope.base), id, 'Resource type'))),
    route('GET', '/Schemas', ({ x, scope }) => {
      const all = schemas(scope.base);
      send(x, 200, listResponse(all, all.length, 1));
    }),
    route('GET', '/Schemas/:id', ({ x, scope, id }) => send(x, 200, byId(schemas(scope.base), id, 'Schema'))),
  ];
}
