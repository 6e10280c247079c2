// Admin API keys: issued once (only the hash is kept), scoped by permission and optionally to one
// organization, revocable. A key never creates a key more powerful or wider-reaching than itself.
import { z } from 'zod';
import { Unauthenticated } from '../errors.js';
import type { ApiKeyRecord, Page } from '../store/records.js';
import type { Store } from '../store/store.js';
import { issueSecret, lookupPrefixOf, looksLike, secretMatches } from '../store/secret-tokens.js';
import { audited } from './audit.js';
import { narrowToOwn, requireReach, type Actor, type AdminContext } from './context.js';
import type { ListParams } from './list-params.js';
import { isKnownScope, requireScope, requireSubset, WILDCARD } from './scopes.js';
import { parseInput } from './validation.js';

const createSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  scopes: z
    .array(z.string().refine(isKnownScope, 'is not a known scope'))
    .min(1, 'must list at least one scope')
    .max(50)
    .default([WILDCARD])
    .transform((s) => [...new Set(s)]),
  organization_id: z.string().max(64).nullable().default(null),
});

export interface CreatedApiKey {
  record: ApiKeyRecord;
  /** Shown to the caller once; Gatehouse keeps only its hash. */
  secret: string;
}

/** How often last_used_at is written for a busy key. */
const LAST_USED_GRANULARITY_MS = 60_000;

export function apiKeyService(store: Store, clock: () => Date = () => new Date()) {
  return {
    async create(ctx: AdminContext, input: unknown): Promise<CreatedApiKey> {
      requireScope(ctx.actor.scopes, 'api_keys:write');
      const body = parseInput(createSchema, input);
      // A scoped actor's keys inherit its organization.
      const organizationId = narrowToOwn(ctx, body.organization_id);
      requireSubset(ctx.actor.scopes, body.scopes);
      return audited(store, ctx, { action: 'api_key.created', targetType: 'api_key', organizationId }, async (tx) => {
        if (organizationId !== null) await tx.organizations.get(organizationId);
        const secret = issueSecret('adminKey');
        const record = await tx.apiKeys.create({
          name: body.name,
          prefix: secret.lookupPrefix,
          secretHash: secret.hash,
          scopes: body.scopes,
          organizationId,
        });
        return { value: { record, secret: secret.token }, targetId: record.id, metadata: { name: record.name, scopes: record.scopes } };
      });
    },

    async list(ctx: AdminContext, params: ListParams): Promise<Page<ApiKeyRecord>> {
      requireScope(ctx.actor.scopes, 'api_keys:read');
      return store.apiKeys.list({ ...params, organizationId: ctx.actor.organizationId ?? undefined });
    },

    async get(ctx: AdminContext, id: string): Promise<ApiKeyRecord> {
      requireScope(ctx.actor.scopes, 'api_keys:read');
      const key = await store.apiKeys.get(id);
      requireReach(ctx, key.organizationId, 'API key');
      return key;
    },

    async revoke(ctx: AdminContext, id: string): Promise<ApiKeyRecord> {
      requireScope(ctx.actor.scopes, 'api_keys:write');
      requireReach(ctx, (await store.apiKeys.get(id)).organizationId, 'API key');
      const what = { action: 'api_key.revoked', targetType: 'api_key', targetId: id };
      return audited(store, ctx, what, async (tx) => {
        const key = await tx.apiKeys.revoke(id, clock());
        return { value: key, organizationId: key.organizationId };
      });
    },

    /** Bearer token -> the actor it stands for. Every failure looks the same to the caller. */
    async authenticate(token: string): Promise<Actor> {
      const invalid = () => new Unauthenticated('Invalid or revoked API key', { code: 'invalid_api_key' });
      if (!looksLike('adminKey', token)) throw invalid();
      const key = await store.apiKeys.findByPrefix(lookupPrefixOf(token));
      if (!key || !secretMatches(token, key.secretHash) || key.revokedAt !== null) throw invalid();
      await store.apiKeys.touchLastUsed(key.id, clock(), LAST_USED_GRANULARITY_MS);
      return { type: 'api_key', id: key.id, name: key.name, scopes: key.scopes, organizationId: key.organizationId };
    },

    countActive: () => store.apiKeys.countActive(),
  };
}

export type ApiKeyService = ReturnType<typeof apiKeyService>;
