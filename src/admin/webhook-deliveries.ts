// An endpoint's delivery log, and the verbs that put deliveries (back) in front of the engine: a
// test event, a retry of one delivery, a replay of everything that failed since a point in time.
// They only write rows; the delivery engine picks pending, due deliveries up asynchronously.
import { z } from 'zod';
import { Conflict, InvalidRequest, NotFound } from '../errors.js';
import { newId } from '../store/ids.js';
import type { Page } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { DeliveryStatus, WebhookAttemptRecord, WebhookDeliveryRecord, WebhookEndpointRecord } from '../store/webhook-data.js';
import { TEST_EVENT_TYPE } from '../webhooks/event-types.js';
import { audited } from './audit.js';
import type { AdminContext } from './context.js';
import type { ListParams } from './list-params.js';
import { requireScope } from './scopes.js';
import { parseInput } from './validation.js';

/** One replay call requeues at most this many; `more` tells the caller to call again. */
export const MAX_REPLAY = 10_000;

const statusFilter = z.strictObject({ status: z.enum(['pending', 'succeeded', 'failed']).optional() });
const replaySchema = z.strictObject({ since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp' }) });

export type DeliveryWithAttempts = WebhookDeliveryRecord & { attemptLog: WebhookAttemptRecord[] };

type Reach = (ctx: AdminContext, id: string) => Promise<WebhookEndpointRecord>;

/** Sending to a disabled endpoint would only be abandoned by the engine: say so instead. */
function requireEnabled(endpoint: WebhookEndpointRecord, verb: string): void {
  if (!endpoint.enabled) throw new Conflict(`The endpoint is disabled; enable it (PATCH enabled: true) before you ${verb}`, { code: 'endpoint_disabled' });
}

const inFuture = () =>
  new InvalidRequest('Invalid request body: since: must not be in the future', { code: 'validation_failed', issues: [{ path: 'since', message: 'must not be in the future' }] });

export function webhookDeliveryOperations(store: Store, clock: () => Date, reachable: Reach) {
  const what = (action: string, e: WebhookEndpointRecord) => ({ action, targetType: 'webhook_endpoint', targetId: e.id, organizationId: e.organizationId });
  async function deliveryOf(endpoint: WebhookEndpointRecord, deliveryId: string): Promise<DeliveryWithAttempts> {
    const delivery = await store.webhookDeliveries.get(deliveryId);
    // Another endpoint's delivery is not "here", whoever may see that endpoint.
    if (delivery.endpointId !== endpoint.id) throw new NotFound('webhook delivery not found');
    return delivery;
  }

  return {
    /** A test event goes to this endpoint only, whatever it subscribes to, and stays out of the events feed. */
    async sendTest(ctx: AdminContext, id: string): Promise<{ deliveryId: string; eventId: string }> {
      requireScope(ctx.actor.scopes, 'webhook_endpoints:write');
      const endpoint = await reachable(ctx, id);
      requireEnabled(endpoint, 'send a test event');
      const event = { id: newId('evt'), type: TEST_EVENT_TYPE, organizationId: endpoint.organizationId, directoryId: null, occurredAt: clock() };
      const deliveryId = newId('msg');
      return audited(store, ctx, what('webhook_endpoint.test_sent', endpoint), async (tx) => {
        await tx.outbox.appendDirect({ ...event, data: { endpoint_id: endpoint.id, message: 'This is a test event from Gatehouse.' } }, endpoint.id, deliveryId);
        return { value: { deliveryId, eventId: event.id }, metadata: { delivery_id: deliveryId, event_id: event.id } };
      });
    },

    async listDeliveries(ctx: AdminContext, id: string, params: ListParams, query: Record<string, unknown>): Promise<Page<WebhookDeliveryRecord>> {
      requireScope(ctx.actor.scopes, 'webhook_endpoints:read');
      const endpoint = await reachable(ctx, id);
      const status: DeliveryStatus | undefined = parseInput(statusFilter, query.status ? { status: query.status } : {}, 'query parameters').status;
      return store.webhookDeliveries.listForEndpoint({ ...params, endpointId: endpoint.id, status });
    },

    async getDelivery(ctx: AdminContext, id: string, deliveryId: string): Promise<DeliveryWithAttempts> {
      requireScope(ctx.actor.scopes, 'webhook_endpoints:read');
      return deliveryOf(await reachable(ctx, id), deliveryId);
    },

    /** Sends one delivery again from a fresh attempt count, whether it failed or already succeeded. */
    async retryDelivery(ctx: AdminContext, id: string, deliveryId: string): Promise<DeliveryWithAttempts> {
      requireScope(ctx.actor.scopes, 'webhook_endpoints:write');
      const endpoint = await reachable(ctx, id);
      const delivery = await deliveryOf(endpoint, deliveryId);
      if (delivery.status === 'pending') throw new Conflict('The delivery is still pending: the engine is already working on it', { code: 'delivery_pending' });
      requireEnabled(endpoint, 'retry a delivery');
      const action = { action: 'webhook_delivery.retried', targetType: 'webhook_delivery', targetId: delivery.id, organizationId: endpoint.organizationId };
      return audited(store, ctx, action, async (tx) => {
        await tx.webhookDeliveries.requeue([delivery.id], clock());
        return { value: await tx.webhookDeliveries.get(delivery.id), metadata: { endpoint_id: endpoint.id, previous_status: delivery.status } };
      });
    },

    /** Requeues failed deliveries created since `since`, oldest first, MAX_REPLAY per call. */
    async replay(ctx: AdminContext, id: string, input: unknown): Promise<{ replayed: number; more: boolean }> {
      requireScope(ctx.actor.scopes, 'webhook_endpoints:write');
      const endpoint = await reachable(ctx, id);
      const since = new Date(parseInput(replaySchema, input).since);
      const now = clock();
      if (since.getTime() > now.getTime()) throw inFuture();
      requireEnabled(endpoint, 'replay deliveries');
      return audited(store, ctx, what('webhook_endpoint.replayed', endpoint), async (tx) => {
        const ids = await tx.webhookDeliveries.failedSince(endpoint.id, since, MAX_REPLAY + 1);
        const replayed = await tx.webhookDeliveries.requeue(ids.slice(0, MAX_REPLAY), now);
        const value = { replayed, more: ids.length > MAX_REPLAY };
        return { value, metadata: { since: since.toISOString(), ...value } };
      });
    },
  };
}
