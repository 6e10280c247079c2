// SCIM wiring: the directory services over the store's plain-SQL directory data, behind the
// /scim/v2 lane, with bearer tokens remembered between the store's token-change notices.
import { directoryGroups } from '../directory/groups.js';
import { directoryUsers } from '../directory/users.js';
import { scimRoutes, type ScimLane } from '../http/routes/scim/index.js';
import { scimCredentials } from '../scim/credentials.js';
import { scimGroups } from '../scim/groups.js';
import { scimUsers } from '../scim/users.js';
import type { Store } from '../store/store.js';

/** `tokenCacheMs`: how long a checked token is remembered (config scim.tokenCacheMs); 0 never. */
export function buildScim(store: Store, publicUrl: string, tokenCacheMs: number, clock: () => Date = () => new Date()): ScimLane {
  const data = store.directoryData;
  return scimRoutes({
    data,
    credentials: scimCredentials(data, store.tokenChanges, tokenCacheMs),
    users: scimUsers(data, directoryUsers(data, clock)),
    groups: scimGroups(data, directoryGroups(data, clock)),
    publicUrl,
    clock,
  });
}
