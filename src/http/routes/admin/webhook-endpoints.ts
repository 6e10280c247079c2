// Webhook endpoints, their signing secrets and their delivery log in the admin API.
import type { Router } from 'express';
import { parseListParams } from '../../../admin/list-params.js';
import type { DeliveryWithAttempts } from '../../../admin/webhook-deliveries.js';
import type { WebhookEndpointService } from '../../../admin/webhook-endpoints.js';
import { InvalidRequest } from '../../../errors.js';
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from '../../../store/webhook-data.js';
import { adminContext } from '../../middleware/admin-auth.js';
import { presentPage } from './present.js';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** Sealed secrets never leave; the plain secret only on create and rotate. */
export function presentWebhookEndpoint(e: WebhookEndpointRecord, secret?: string) {
  return {
    object: 'webhook_endpoint',
    id: e.id,
    organization_id: e.organizationId,
    url: e.url,
    description: e.description,
    events: e.events,
    enabled: e.enabled,
    ...(secret === undefined ? {} : { secret }),
    disabled_reason: e.disabledReason,
    disabled_at: iso(e.disabledAt),
    failing_since: iso(e.failingSince),
    previous_secret_expires_at: iso(e.previousSecretExpiresAt),
    created_at: iso(e.createdAt),
    updated_at: iso(e.updatedAt),
  };
}

export function presentWebhookDelivery(d: WebhookDeliveryRecord) {
  return {
    object: 'webhook_delivery',
    id: d.id,
    endpoint_id: d.endpointId,
    event_id: d.eventId,
    event_type: d.eventType,
    sequence: Number(d.eventSequence),
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: iso(d.nextAttemptAt),
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    last_latency_ms: d.lastLatencyMs,
    delivered_at: iso(d.deliveredAt),
    created_at: iso(d.createdAt),
  };
}

/** One delivery read alone: its attempts, oldest first (the list shows only the count). */
function presentDeliveryWithAttempts(d: DeliveryWithAttempts) {
  const log = d.attemptLog.map((a) => ({ attempted_at: iso(a.attemptedAt), status_code: a.statusCode, latency_ms: a.latencyMs, error: a.error }));
  return { ...presentWebhookDelivery(d), attempts: log, attempt_count: d.attempts };
}

function organizationFilter(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 64) throw new InvalidRequest('organization_id must be a single id');
  return value;
}

export function mountWebhookEndpoints(router: Router, endpoints: WebhookEndpointService): void {
  const base = '/webhook-endpoints';
  router.post(base, async (req, res) => {
    const { endpoint, secret } = await endpoints.create(adminContext(res), req.body);
    res.status(201).json(presentWebhookEndpoint(endpoint, secret));
  });
  router.get(base, async (req, res) => {
    const params = { ...parseListParams(req.query), organizationId: organizationFilter(req.query.organization_id) };
    res.json(presentPage(await endpoints.list(adminContext(res), params), (e) => presentWebhookEndpoint(e)));
  });
  router.get(`${base}/:id`, async (req, res) => {
    res.json(presentWebhookEndpoint(await endpoints.get(adminContext(res), req.params.id)));
  });
  router.patch(`${base}/:id`, async (req, res) => {
    res.json(presentWebhookEndpoint(await endpoints.update(adminContext(res), req.params.id, req.body)));
  });
  router.delete(`${base}/:id`, async (req, res) => {
    await endpoints.delete(adminContext(res), req.params.id);
    res.status(204).end();
  });
  router.post(`${base}/:id/rotate-secret`, async (req, res) => {
    const { endpoint, secret } = await endpoints.rotateSecret(adminContext(res), req.params.id, req.body);
    res.json(presentWebhookEndpoint(endpoint, secret));
  });
  router.post(`${base}/:id/test`, async (req, res) => {
    const { deliveryId, eventId } = await endpoints.sendTest(adminContext(res), req.params.id);
    res.status(202).json({ delivery_id: deliveryId, event_id: eventId });
  });
  mountDeliveries(router, endpoints);
}

function mountDeliveries(router: Router, endpoints: WebhookEndpointService): void {
  router.get('/webhook-endpoints/:id/deliveries', async (req, res) => {
    const page = await endpoints.listDeliveries(adminContext(res), req.params.id, parseListParams(req.query), req.query);
    res.json(presentPage(page, presentWebhookDelivery));
  });
  router.post('/webhook-endpoints/:id/deliveries/replay', async (req, res) => {
    res.status(202).json(await endpoints.replay(adminContext(res), req.params.id, req.body));
  });
  router.get('/webhook-endpoints/:id/deliveries/:deliveryId', async (req, res) => {
    res.json(presentDeliveryWithAttempts(await endpoints.getDelivery(adminContext(res), req.params.id, req.params.deliveryId)));
  });
  router.post('/webhook-endpoints/:id/deliveries/:deliveryId/retry', async (req, res) => {
    res.status(202).json(presentDeliveryWithAttempts(await endpoints.retryDelivery(adminContext(res), req.params.id, req.params.deliveryId)));
  });
}
