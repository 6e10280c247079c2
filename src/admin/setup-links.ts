// Setup links: a product hands one to a customer's IT admin, who configures SSO and/or directory
// sync in the setup portal. The token is in the URL once, stored as a hash, single-purpose (its
// intents become the portal session's only scopes), expiring and revocable.
import { z } from 'zod';
import { Gone, NotFound } from '../errors.js';
import { newId } from '../store/ids.js';
import { issueSecret, looksLike, lookupPrefixOf, secretMatches } from '../store/secret-tokens.js';
import type { SetupIntent, SetupLinkRecord } from '../store/setup-data.js';
import type { Store } from '../store/store.js';
import { audited } from './audit.js';
import { narrowToOwn, requireReach, type AdminContext } from './context.js';
import type { ListParams } from './list-params.js';
import { requireScope } from './scopes.js';
import { parseInput } from './validation.js';

export const DEFAULT_SETUP_LINK_SECONDS = 3 * 86_400;
export const SETUP_PATH = '/setup';
/** Where a test sign-in lands (the portal session cookie says whose it is). */
export const setupTestPath = (testId: string) => `${SETUP_PATH}/tests/${encodeURIComponent(testId)}`;

const createSchema = z.strictObject({
  intent: z.enum(['sso', 'dsync', 'both']),
  expires_in_seconds: z.number().int().min(300).max(30 * 86_400).default(DEFAULT_SETUP_LINK_SECONDS),
});

const INTENT_SCOPES: Record<SetupIntent, string[]> = {
  sso: ['organizations:read', 'connections:write'],
  dsync: ['organizations:read', 'directories:write'],
};

export interface IssuedSetupLink {
  link: SetupLinkRecord;
  /** Shown once: the portal address carrying the token. */
  url: string;
}

/** The portal's acting context for a link: confined to its organization, with only its intents' scopes. */
export function setupLinkContext(link: SetupLinkRecord, request: Omit<AdminContext, 'actor'>): AdminContext {
  const scopes = [...new Set(link.intents.flatMap((i) => INTENT_SCOPES[i]))];
  return { ...request, actor: { type: 'setup_link', id: link.id, name: null, scopes, organizationId: link.organizationId } };
}

export function setupLinkService(store: Store, publicUrl: string, clock: () => Date = () => new Date()) {
  const what = (action: string, link: Pick<SetupLinkRecord, 'id' | 'organizationId'>) => ({ action, targetType: 'setup_link', targetId: link.id, organizationId: link.organizationId });
  return {
    async create(ctx: AdminContext, organizationId: string, input: unknown): Promise<IssuedSetupLink> {
      requireScope(ctx.actor.scopes, 'setup_links:write');
      const org = narrowToOwn(ctx, organizationId);
      const body = parseInput(createSchema, input);
      const intents: SetupIntent[] = body.intent === 'both' ? ['sso', 'dsync'] : [body.intent];
      const secret = issueSecret('setupLink');
      const expiresAt = new Date(clock().getTime() + body.expires_in_seconds * 1000);
      return audited(store, ctx, { action: 'setup_link.created', targetType: 'setup_link', organizationId: org }, async (tx) => {
        await tx.organizations.get(org);
        const link = await tx.setupLinks.create({ organizationId: org, intents, prefix: secret.lookupPrefix, secretHash: secret.hash, connectionId: newId('conn'), expiresAt });
        return { value: { link, url: `${publicUrl}${SETUP_PATH}/${secret.token}` }, targetId: link.id, metadata: { intents, expires_at: expiresAt.toISOString() } };
      });
    },

    async list(ctx: AdminContext, organizationId: string, params: ListParams) {
      requireScope(ctx.actor.scopes, 'setup_links:read');
      const org = narrowToOwn(ctx, organizationId);
      await store.organizations.get(org);
      return store.setupLinks.list(org, params);
    },

    async get(ctx: AdminContext, id: string): Promise<SetupLinkRecord> {
      requireScope(ctx.actor.scopes, 'setup_links:read');
      const link = await store.setupLinks.get(id);
      requireReach(ctx, link.organizationId, 'setup link');
      return link;
    },

    async revoke(ctx: AdminContext, id: string): Promise<SetupLinkRecord> {
      requireScope(ctx.actor.scopes, 'setup_links:write');
      const link = await store.setupLinks.get(id);
      requireReach(ctx, link.organizationId, 'setup link');
      return audited(store, ctx, what('setup_link.revoked', link), async (tx) => ({ value: await tx.setupLinks.revoke(id, clock()) }));
    },

    /** The link a portal token opens; expired and revoked links are Gone (the portal says so plainly). */
    async open(token: string): Promise<SetupLinkRecord> {
      const unknown = new NotFound('This setup link is not valid. Ask for a new one.', { code: 'setup_link_not_found' });
      if (!looksLike('setupLink', token)) throw unknown;
      const link = await store.setupLinks.findByPrefix(lookupPrefixOf(token));
      if (!link || !secretMatches(token, link.secretHash)) throw unknown;
      if (link.revokedAt) throw new Gone('This setup link was revoked. Ask for a new one.', { code: 'setup_link_revoked' });
      if (link.expiresAt.getTime() <= clock().getTime()) throw new Gone('This setup link has expired. Ask for a new one.', { code: 'setup_link_expired' });
      return link;
    },
  };
}

export type SetupLinkService = ReturnType<typeof setupLinkService>;
