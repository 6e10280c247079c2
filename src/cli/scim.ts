// SCIM wiring: the directory services over the store's plain-SQL directory data, behind the
// /scim/v2 router.
import type { Router } from 'express';
import { directoryGroups } from '../directory/groups.js';
import { directoryUsers } from '../directory/users.js';
import { scimRoutes } from '../http/routes/scim/index.js';
import { scimGroups } from '../scim/groups.js';
import { scimUsers } from '../scim/users.js';
import type { Store } from '../store/store.js';

export function buildScim(store: Store, publicUrl: string, clock: () => Date = () => new Date()): Router {
  const data = store.directoryData;
  return scimRoutes({
    data,
    users: scimUsers(data, directoryUsers(data, clock)),
    groups: scimGroups(data, directoryGroups(data, clock)),
    publicUrl,
    clock,
  });
}
