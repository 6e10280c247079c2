// SCIM directories as the admin API sees them: create one (its bearer token shown once), rotate
// the token with a grace period, delete it, and read what the IdP pushed into it.
import { z } from 'zod';
import { NotFound } from '../errors.js';
import type { DirectoryReads, ListQuery } from '../store/directory-data.js';
import { DIRECTORY_PROVIDERS, type DirectoryRecord, type DirectoryUserRecord, type Page } from '../store/records.js';
import { issueSecret } from '../store/secret-tokens.js';
import type { Store } from '../store/store.js';
import { isWellFormedId } from '../store/ids.js';
import { audited } from './audit.js';
import { narrowToOwn, requireReach, type AdminContext } from './context.js';
import type { ListParams } from './list-params.js';
import { requireScope } from './scopes.js';
import { parseInput } from './validation.js';

/** Long enough to paste the new token into Okta or Entra, short enough that a leaked one dies. */
export const DEFAULT_TOKEN_GRACE_SECONDS = 86_400;

const createSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  provider: z.enum(DIRECTORY_PROVIDERS).default('generic'),
});
const rotateSchema = z.strictObject({
  /** How long the current token keeps working; 0 ends it at once (a leaked token). */
  previous_token_expires_in_seconds: z.number().int().min(0).max(30 * 86_400).default(DEFAULT_TOKEN_GRACE_SECONDS),
});
const userFilterSchema = z.strictObject({
  email: z.string().trim().toLowerCase().max(320).optional(),
  group: z.string().refine(isWellFormedId, 'must be a group id').optional(),
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

export interface IssuedDirectory {
  directory: DirectoryRecord;
  /** Shown once. */
  bearerToken: string;
}

export interface DirectoryUserFilter {
  email?: string | undefined;
  group?: string | undefined;
  active?: boolean | undefined;
}

export function directoryService(store: Store, publicUrl: string, clock: () => Date = () => new Date()) {
  const data: DirectoryReads = store.directoryData;
  async function reachable(ctx: AdminContext, id: string): Promise<DirectoryRecord> {
    const directory = await store.directories.get(id);
    requireReach(ctx, directory.organizationId, 'directory');
    return directory;
  }
  const what = (action: string, d: DirectoryRecord) => ({ action, targetType: 'directory', targetId: d.id, organizationId: d.organizationId });
  const page = (params: ListParams, filter: ListQuery['filter']): ListQuery => ({ filter, offset: 0, limit: params.limit + 1, after: params.after });
  const toPage = <T extends { id: string }>(items: T[], params: ListParams): Page<T> => {
    const more = items.length > params.limit;
    const kept = more ? items.slice(0, params.limit) : items;
    return { data: kept, after: more ? (kept.at(-1)?.id ?? null) : null };
  };

  return {
    /** Where the IdP sends SCIM requests for this directory. */
    scimBaseUrl: (id: string) => `${publicUrl}/scim/v2/${id}`,

    async create(ctx: AdminContext, organizationId: string, input: unknown): Promise<IssuedDirectory> {
      requireScope(ctx.actor.scopes, 'directories:write');
      narrowToOwn(ctx, organizationId);
      const body = parseInput(createSchema, input);
      const token = issueSecret('scimToken');
      return audited(store, ctx, { action: 'directory.created', targetType: 'directory', organizationId }, async (tx) => {
        await tx.organizations.get(organizationId);
        const directory = await tx.directories.create({ organizationId, name: body.name, provider: body.provider, token: { prefix: token.lookupPrefix, secretHash: token.hash } });
        return { value: { directory, bearerToken: token.token }, targetId: directory.id, metadata: { name: body.name, provider: body.provider } };
      });
    },

    async list(ctx: AdminContext, organizationId: string, params: ListParams): Promise<Page<DirectoryRecord>> {
      requireScope(ctx.actor.scopes, 'directories:read');
      narrowToOwn(ctx, organizationId);
      await store.organizations.get(organizationId);
      return store.directories.list({ ...params, organizationId });
    },

    async get(ctx: AdminContext, id: string): Promise<DirectoryRecord & { counts: { users: number; groups: number } }> {
      requireScope(ctx.actor.scopes, 'directories:read');
      const directory = await reachable(ctx, id);
      return { ...directory, counts: await data.counts(id) };
    },

    async delete(ctx: AdminContext, id: string): Promise<void> {
      requireScope(ctx.actor.scopes, 'directories:write');
      const directory = await reachable(ctx, id);
      try {
        await audited(store, ctx, what('directory.deleted', directory), async (tx) => ({ value: await tx.directories.delete(id) }));
      } finally {
        // Evicting a remembered token is always safe; missing a change is not.
        store.tokenChanges.changed(id);
      }
    },

    async rotateToken(ctx: AdminContext, id: string, input: unknown): Promise<IssuedDirectory> {
      requireScope(ctx.actor.scopes, 'directories:write');
      const directory = await reachable(ctx, id);
      const body = parseInput(rotateSchema, input);
      const now = clock();
      const expireAt = new Date(now.getTime() + body.previous_token_expires_in_seconds * 1000);
      const token = issueSecret('scimToken');
      try {
        return await audited(store, ctx, what('directory.token_rotated', directory), async (tx) => {
          const rotated = await tx.directories.rotateToken(id, { prefix: token.lookupPrefix, secretHash: token.hash }, now, expireAt);
          return { value: { directory: rotated, bearerToken: token.token }, metadata: { previous_expires_at: expireAt.toISOString() } };
        });
      } finally {
        store.tokenChanges.changed(id);
      }
    },

    async listUsers(ctx: AdminContext, id: string, params: ListParams, query: Record<string, unknown>) {
      requireScope(ctx.actor.scopes, 'directories:read');
      const directory = await reachable(ctx, id);
      const filter = userFilter(parseInput(userFilterSchema, pick(query, ['email', 'group', 'active']), 'query parameters'));
      const found = await data.listUsers(id, page(params, filter));
      return { directory, page: toPage(found.items, params) };
    },

    async listGroups(ctx: AdminContext, id: string, params: ListParams) {
      requireScope(ctx.actor.scopes, 'directories:read');
      const directory = await reachable(ctx, id);
      const found = await data.listGroups(id, page(params, undefined));
      return { directory, page: toPage(found.items, params) };
    },

    async getUser(ctx: AdminContext, id: string, userId: string): Promise<{ directory: DirectoryRecord; user: DirectoryUserRecord; groups: Array<{ id: string; displayName: string }> }> {
      requireScope(ctx.actor.scopes, 'directories:read');
      const directory = await reachable(ctx, id);
      const user = await data.getUser(id, userId);
      if (!user) throw new NotFound('directory user not found');
      return { directory, user, groups: await data.groupsOfUser(userId) };
    },
  };
}

export type DirectoryService = ReturnType<typeof directoryService>;

function pick(query: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => query[k] !== undefined && query[k] !== '').map((k) => [k, query[k]]));
}

/** The admin filters, as the same query AST SCIM filters use. */
function userFilter(f: DirectoryUserFilter): ListQuery['filter'] {
  const parts = [
    ...(f.email === undefined ? [] : [{ kind: 'compare', path: { attribute: 'emails', subAttribute: 'value' }, op: 'eq', value: f.email } as const]),
    ...(f.active === undefined ? [] : [{ kind: 'compare', path: { attribute: 'active' }, op: 'eq', value: f.active } as const]),
    ...(f.group === undefined ? [] : [{ kind: 'compare', path: { attribute: 'groups', subAttribute: 'value' }, op: 'eq', value: f.group } as const]),
  ];
  return parts.reduce<ListQuery['filter']>((acc, node) => (acc ? { kind: 'and', left: acc, right: node } : node), undefined);
}
