// Applications: the products that sign users in through Gatehouse (OAuth clients of its OpenID
// Provider). client_secret is shown once and kept hashed; rotation overlaps old and new secrets so
// a product can roll without downtime.
import { z } from 'zod';
import { InvalidRequest } from '../errors.js';
import type { Application, Page } from '../store/records.js';
import { issueSecret, secretMatches } from '../store/secret-tokens.js';
import { newId } from '../store/ids.js';
import type { Store } from '../store/store.js';
import { audited } from './audit.js';
import { narrowToOwn, requireReach, type AdminContext } from './context.js';
import type { ListParams } from './list-params.js';
import { initiateLoginUri, redirectUri } from './redirect-uris.js';
import { requireScope } from './scopes.js';
import { parseInput } from './validation.js';

const uris = (allowNative: boolean) => z.array(redirectUri({ allowNative })).max(20).transform((list) => [...new Set(list)]);
const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(200),
  redirect_uris: uris(true).refine((list) => list.length > 0, 'must list at least one redirect URI'),
  post_logout_redirect_uris: uris(true),
  initiate_login_uri: initiateLoginUri.nullable(),
  id_token_signed_response_alg: z.enum(['RS256', 'ES256']),
};
const createSchema = z.strictObject({
  ...fields,
  post_logout_redirect_uris: fields.post_logout_redirect_uris.default([]),
  initiate_login_uri: fields.initiate_login_uri.default(null),
  id_token_signed_response_alg: fields.id_token_signed_response_alg.default('RS256'),
  token_endpoint_auth_method: z.enum(['client_secret_basic', 'client_secret_post', 'none']).default('client_secret_basic'),
  organization_id: z.string().max(64).nullable().default(null),
});
const updateSchema = z.strictObject(fields).partial();
const rotateSchema = z.strictObject({
  /** How long the current secret keeps working; 0 ends it at once (a leaked secret). */
  previous_secret_expires_in_seconds: z.number().int().min(0).max(30 * 86_400).default(86_400),
});

export interface IssuedApplication {
  application: Application;
  /** Shown once; absent for public clients. */
  clientSecret: string | undefined;
}

export function applicationService(store: Store, clock: () => Date = () => new Date()) {
  /** Global applications belong to no tenant: only unscoped keys manage them. Others' are a 404. */
  async function reachable(ctx: AdminContext, id: string): Promise<Application> {
    const app = await store.applications.get(id);
    requireReach(ctx, app.organizationId, 'application');
    return app;
  }
  const what = (action: string, app: Pick<Application, 'id' | 'organizationId'>) => ({
    action,
    targetType: 'application',
    targetId: app.id,
    organizationId: app.organizationId,
  });

  return {
    async create(ctx: AdminContext, input: unknown): Promise<IssuedApplication> {
      requireScope(ctx.actor.scopes, 'applications:write');
      const body = parseInput(createSchema, input);
      const organizationId = narrowToOwn(ctx, body.organization_id);
      const secret = body.token_endpoint_auth_method === 'none' ? undefined : issueSecret('clientSecret');
      return audited(store, ctx, { action: 'application.created', targetType: 'application', organizationId }, async (tx) => {
        if (organizationId !== null) await tx.organizations.get(organizationId);
        const application = await tx.applications.create({
          clientId: newId('client'),
          name: body.name,
          organizationId,
          tokenEndpointAuthMethod: body.token_endpoint_auth_method,
          redirectUris: body.redirect_uris,
          postLogoutRedirectUris: body.post_logout_redirect_uris,
          initiateLoginUri: body.initiate_login_uri,
          idTokenSignedResponseAlg: body.id_token_signed_response_alg,
          secret: secret && { prefix: secret.lookupPrefix, secretHash: secret.hash },
        });
        const value = { application, clientSecret: secret?.token };
        return { value, targetId: application.id, metadata: { name: application.name, client_id: application.clientId } };
      });
    },

    async get(ctx: AdminContext, id: string): Promise<Application> {
      requireScope(ctx.actor.scopes, 'applications:read');
      return reachable(ctx, id);
    },

    async list(ctx: AdminContext, params: ListParams): Promise<Page<Application>> {
      requireScope(ctx.actor.scopes, 'applications:read');
      return store.applications.list({ ...params, organizationId: ctx.actor.organizationId ?? undefined });
    },

    async update(ctx: AdminContext, id: string, input: unknown): Promise<Application> {
      requireScope(ctx.actor.scopes, 'applications:write');
      const app = await reachable(ctx, id);
      const body = parseInput(updateSchema, input);
      return audited(store, ctx, what('application.updated', app), async (tx) => {
        const patch = {
          name: body.name,
          redirectUris: body.redirect_uris,
          postLogoutRedirectUris: body.post_logout_redirect_uris,
          initiateLoginUri: body.initiate_login_uri,
          idTokenSignedResponseAlg: body.id_token_signed_response_alg,
        };
        return { value: await tx.applications.update(id, patch), metadata: { changed: Object.keys(body) } };
      });
    },

    async delete(ctx: AdminContext, id: string): Promise<void> {
      requireScope(ctx.actor.scopes, 'applications:write');
      const app = await reachable(ctx, id);
      await audited(store, ctx, what('application.deleted', app), async (tx) => ({ value: await tx.applications.delete(id) }));
    },

    async rotateSecret(ctx: AdminContext, id: string, input: unknown): Promise<IssuedApplication> {
      requireScope(ctx.actor.scopes, 'applications:write');
      const app = await reachable(ctx, id);
      if (app.tokenEndpointAuthMethod === 'none') throw new InvalidRequest('A public client has no secret to rotate', { code: 'public_client' });
      const body = parseInput(rotateSchema, input);
      const now = clock();
      const expireAt = new Date(now.getTime() + body.previous_secret_expires_in_seconds * 1000);
      const secret = issueSecret('clientSecret');
      return audited(store, ctx, what('application.secret_rotated', app), async (tx) => {
        const application = await tx.applications.rotateSecret(id, { prefix: secret.lookupPrefix, secretHash: secret.hash }, now, expireAt);
        return { value: { application, clientSecret: secret.token }, metadata: { previous_expires_at: expireAt.toISOString() } };
      });
    },

    /** For the OpenID Provider's client authentication: any unexpired secret of the client. */
    async verifyClientSecret(clientId: string, presented: string): Promise<boolean> {
      const app = await store.applications.findByClientId(clientId);
      const now = clock().getTime();
      const valid = app?.secrets.filter((s) => s.expiresAt === null || s.expiresAt.getTime() > now) ?? [];
      return valid.some((s) => secretMatches(presented, s.secretHash));
    },
  };
}

export type ApplicationService = ReturnType<typeof applicationService>;
