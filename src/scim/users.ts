// SCIM /Users (RFC 7644 §3): each request is parsed and validated here, applied by the directory
// service in one transaction, and answered with the stored resource.
import type { DirectoryActor } from '../directory/changes.js';
import type { DirectoryUsers, UserDraft } from '../directory/users.js';
import type { DirectoryReads } from '../store/directory-data.js';
import { isWellFormedId } from '../store/ids.js';
import type { DirectoryUserRecord } from '../store/records.js';
import { ScimError } from './errors.js';
import { listQueryOf, type ScimListParams, type ScimReadParams } from './list-params.js';
import { pagedResponse, userResource, type ScimResource } from './render.js';
import { normalizeUser, userIndexFields, type UserResource } from './resources/normalize.js';
import { applyUserPatch, parsePatchRequest } from './resources/patch.js';
import { projectAttributes } from './resources/projection.js';

export interface ScimRequestScope {
  actor: DirectoryActor;
  /** This directory's SCIM base URL, for meta.location. */
  base: string;
}

export const userNotFound = () => new ScimError(404, undefined, 'User not found');

function draftOf(resource: UserResource): UserDraft {
  const f = userIndexFields(resource);
  return {
    resource,
    fields: { userNameKey: f.userNameKey, externalId: f.externalId, displayNameKey: f.displayName?.toLowerCase() ?? null, primaryEmail: f.primaryEmail, emailKeys: f.emailKeys, active: f.active },
  };
}

/** The stored resource as the PATCH engine sees it: our id, no meta. */
function current(user: DirectoryUserRecord): UserResource {
  return { ...user.resource, id: user.id } as UserResource;
}

function stored(resource: UserResource): UserResource {
  const { id: _id, meta: _meta, ...rest } = resource as UserResource & { meta?: unknown };
  return rest as UserResource;
}

export function scimUsers(data: DirectoryReads, users: DirectoryUsers) {
  const project = (resource: ScimResource, params: ScimReadParams) => projectAttributes(resource, params, 'User');
  const knownId = (id: string) => {
    if (!isWellFormedId(id)) throw userNotFound();
  };

  return {
    async list({ actor, base }: ScimRequestScope, params: ScimListParams) {
      const found = await data.listUsers(actor.directoryId, listQueryOf(params));
      // An IdP's lookup before its update: the update can start from the row found.
      if (found.items.length === 1) users.remember(found.items[0]!);
      return pagedResponse(found, params, (items) => items.map((u) => project(userResource(u, base), params)));
    },

    async get({ actor, base }: ScimRequestScope, id: string, params: ScimReadParams): Promise<{ resource: ScimResource; version: number }> {
      knownId(id);
      const user = await data.getUser(actor.directoryId, id);
      if (!user) throw userNotFound();
      users.remember(user);
      return { resource: project(userResource(user, base), params), version: user.version };
    },

    async create({ actor, base }: ScimRequestScope, body: unknown) {
      const user = await users.create(actor, draftOf(stored(normalizeUser(body))));
      return { resource: userResource(user, base), version: user.version };
    },

    async replace({ actor, base }: ScimRequestScope, id: string, body: unknown, expectedVersion: number | undefined) {
      knownId(id);
      const replacement = stored(normalizeUser(body));
      // Okta's PUT leaves externalId out; dropping it would lose the IdP's id for the person
      // (which logins link by), so an omitted externalId keeps the stored one.
      const keepExternalId = (before: DirectoryUserRecord) =>
        replacement.externalId === undefined && before.externalId !== null ? { ...replacement, externalId: before.externalId } : replacement;
      const user = await users.update(actor, id, (before) => draftOf(keepExternalId(before)), expectedVersion);
      return { resource: userResource(user, base), version: user.version };
    },

    async patch({ actor, base }: ScimRequestScope, id: string, body: unknown, expectedVersion: number | undefined) {
      knownId(id);
      const operations = parsePatchRequest(body);
      const user = await users.update(actor, id, (before) => draftOf(stored(applyUserPatch(current(before), operations))), expectedVersion);
      return { resource: userResource(user, base), version: user.version };
    },

    async delete({ actor }: ScimRequestScope, id: string, expectedVersion: number | undefined): Promise<void> {
      knownId(id);
      await users.delete(actor, id, expectedVersion);
    },
  };
}

export type ScimUsers = ReturnType<typeof scimUsers>;
