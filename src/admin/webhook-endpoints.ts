// Webhook endpoints: where products receive lifecycle events. The signing secret is shown once (on
// create and rotate) and kept sealed; an organization-scoped key manages only its organization's
// endpoints, and only an unscoped key makes one that receives every organization's events.
import { z } from 'zod';
import { Forbidden } from '../errors.js';
import type { SecretBox } from '../store/encryption.js';
import { newId } from '../store/ids.js';
import type { Page } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { WebhookEndpointPatch, WebhookEndpointRecord } from '../store/webhook-data.js';
import { generateSigningSecret, secretContext } from '../webhooks/signing.js';
import { audited } from './audit.js';
import { narrowToOwn, requireReach, type AdminContext } from './context.js';
import type { ListParams } from './list-params.js';
import { requireScope } from './scopes.js';
import { parseInput } from './validation.js';
import { webhookDeliveryOperations } from './webhook-deliveries.js';
import { description, subscriptions, webhookUrl, type UrlPolicy } from './webhook-input.js';

/** Long enough to deploy the new secret to every receiver, short enough that a leaked one dies. */
export const DEFAULT_SECRET_GRACE_SECONDS = 86_400;

export interface WebhookEndpointDeps {
  secretBox: SecretBox;
  clock: () => Date;
  /** GATEHOUSE_ALLOW_INSECURE_OUTBOUND: http:// and loopback URLs (tests, local development). */
  allowInsecureUrls: boolean;
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES: literal private IPs (an operator's own receivers); default false. */
  allowPrivateAddresses?: boolean;
}

export interface IssuedEndpoint {
  endpoint: WebhookEndpointRecord;
  /** Shown once. */
  secret: string;
}

function schemas(policy: UrlPolicy) {
  const fields = {
    url: webhookUrl(policy),
    events: subscriptions,
    organization_id: z.string().max(64).nullable(),
    enabled: z.boolean(),
    description,
  };
  return {
    create: z.strictObject({ ...fields, organization_id: fields.organization_id.optional(), enabled: fields.enabled.default(true), description: description.default('') }),
    update: z.strictObject(fields).partial(),
    rotate: z.strictObject({
      /** How long the current secret keeps signing too; 0 ends it at once (a leaked secret). */
      previous_secret_expires_in_seconds: z.number().int().min(0).max(30 * 86_400).default(DEFAULT_SECRET_GRACE_SECONDS),
    }),
  };
}

type UpdateBody = z.output<ReturnType<typeof schemas>['update']>;

/** A scoped key may name its own organization (a no-op) but never another, nor none at all. */
function movedTo(ctx: AdminContext, requested: string | null | undefined): string | null | undefined {
  if (requested === undefined || ctx.actor.organizationId === null) return requested;
  if (requested === null) throw new Forbidden('An organization-scoped key cannot make an endpoint deployment-wide');
  return narrowToOwn(ctx, requested);
}

function patchOf(body: UpdateBody, endpoint: WebhookEndpointRecord, organizationId: string | null | undefined, now: Date): WebhookEndpointPatch {
  const patch: WebhookEndpointPatch = { url: body.url, events: body.events, description: body.description, organizationId, enabled: body.enabled };
  // Re-enabling starts afresh: the engine's failure streak and the reason it gave up are history.
  if (body.enabled === true) Object.assign(patch, { disabledReason: null, disabledAt: null, failingSince: null });
  if (body.enabled === false && endpoint.enabled) Object.assign(patch, { disabledReason: 'disabled by an admin', disabledAt: now });
  return patch;
}

export function webhookEndpointService(store: Store, deps: WebhookEndpointDeps) {
  const schema = schemas({ allowInsecure: deps.allowInsecureUrls, allowPrivate: deps.allowPrivateAddresses ?? false });
  async function reachable(ctx: AdminContext, id: string): Promise<WebhookEndpointRecord> {
    const endpoint = await store.webhookEndpoints.get(id);
    requireReach(ctx, endpoint.organizationId, 'webhook endpoint');
    return endpoint;
  }
  const what = (action: string, e: WebhookEndpointRecord) => ({ action, targetType: 'webhook_endpoint', targetId: e.id, organizationId: e.organizationId });
  const sealed = (id: string, secret: string) => deps.secretBox.seal(secret, secretContext(id));

  return {
    async create(ctx: AdminContext, input: unknown): Promise<IssuedEndpoint> {
      requireScope(ctx.actor.scopes, 'webhook_endpoints:write');
      const body = parseInput(schema.create, input);
      const organizationId = narrowToOwn(ctx, body.organization_id ?? null);
      // The id comes first: the secret is sealed bound to it, before the row exists.
      const id = newId('wh');
      const secret = generateSigningSecret();
      return audited(store, ctx, { action: 'webhook_endpoint.created', targetType: 'webhook_endpoint', targetId: id, organizationId }, async (tx) => {
        if (organizationId !== null) await tx.organizations.get(organizationId);
        const input = { organizationId, url: body.url, description: body.description, events: body.events, enabled: body.enabled };
        const endpoint = await tx.webhookEndpoints.create(id, { ...input, secretSealed: sealed(id, secret) });
        return { value: { endpoint, secret }, metadata: { url_host: new URL(body.url).host, events: body.events } };
      });
    },

    async list(ctx: AdminContext, params: ListParams & { organizationId?: string | undefined }): Promise<Page<WebhookEndpointRecord>> {
      requireScope(ctx.actor.scopes, 'webhook_endpoints:read');
      return store.webhookEndpoints.list({ ...params, organizationId: narrowToOwn(ctx, params.organizationId) });
    },

    async get(ctx: AdminContext, id: string): Promise<WebhookEndpointRecord> {
      requireScope(ctx.actor.scopes, 'webhook_endpoints:read');
      return reachable(ctx, id);
    },

    async update(ctx: AdminContext, id: string, input: unknown): Promise<WebhookEndpointRecord> {
      requireScope(ctx.actor.scopes, 'webhook_endpoints:write');
      const endpoint = await reachable(ctx, id);
      const body = parseInput(schema.update, input);
      const organizationId = movedTo(ctx, body.organization_id);
      return audited(store, ctx, what('webhook_endpoint.updated', endpoint), async (tx) => {
        if (typeof organizationId === 'string') await tx.organizations.get(organizationId);
        const updated = await tx.webhookEndpoints.update(id, patchOf(body, endpoint, organizationId, deps.clock()));
        const metadata = { changed: Object.keys(body), ...(body.url === undefined ? {} : { url_host: new URL(body.url).host }), ...(body.events ? { events: body.events } : {}) };
        return { value: updated, metadata };
      });
    },

    async delete(ctx: AdminContext, id: string): Promise<void> {
      requireScope(ctx.actor.scopes, 'webhook_endpoints:write');
      const endpoint = await reachable(ctx, id);
      await audited(store, ctx, what('webhook_endpoint.deleted', endpoint), async (tx) => ({ value: await tx.webhookEndpoints.delete(id) }));
    },

    /** During the grace period both secrets sign each attempt (the receiver may check either). */
    async rotateSecret(ctx: AdminContext, id: string, input: unknown): Promise<IssuedEndpoint> {
      requireScope(ctx.actor.scopes, 'webhook_endpoints:write');
      const endpoint = await reachable(ctx, id);
      const body = parseInput(schema.rotate, input);
      const grace = body.previous_secret_expires_in_seconds;
      const expiresAt = grace === 0 ? null : new Date(deps.clock().getTime() + grace * 1000);
      const secret = generateSigningSecret();
      return audited(store, ctx, what('webhook_endpoint.secret_rotated', endpoint), async (tx) => {
        // The sealed value moves as is: its context is the endpoint id, which does not change.
        const patch = { secretSealed: sealed(id, secret), previousSecretSealed: expiresAt && endpoint.secretSealed, previousSecretExpiresAt: expiresAt };
        const rotated = await tx.webhookEndpoints.update(id, patch);
        return { value: { endpoint: rotated, secret }, metadata: { previous_expires_at: expiresAt?.toISOString() ?? null } };
      });
    },

    ...webhookDeliveryOperations(store, deps.clock, reachable),
  };
}

export type WebhookEndpointService = ReturnType<typeof webhookEndpointService>;
