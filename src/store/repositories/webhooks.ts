// Webhook endpoints and the delivery log, as the admin API reads and changes them.
import { NotFound } from '../../errors.js';
import type { Prisma } from '../generated/client.js';
import { guard } from '../prisma-errors.js';
import type { DeliveryStatus, WebhookDeliveryRecord, WebhookDeliveryRepository, WebhookEndpointRecord, WebhookEndpointRepository } from '../webhook-data.js';
import type { Db } from './db.js';
import { pageQuery, toPage } from './pagination.js';

type EndpointRow = Prisma.WebhookEndpointGetPayload<object>;
const withEvent = { event: { select: { id: true, type: true } } } satisfies Prisma.WebhookDeliveryInclude;
type DeliveryRow = Prisma.WebhookDeliveryGetPayload<{ include: typeof withEvent }>;

function toEndpoint(row: EndpointRow): WebhookEndpointRecord {
  return { ...row };
}

function toDelivery(row: DeliveryRow): WebhookDeliveryRecord {
  return {
    id: row.id,
    endpointId: row.endpointId,
    eventId: row.event.id,
    eventType: row.event.type,
    eventSequence: row.eventSequence,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    lastLatencyMs: row.lastLatencyMs,
    deliveredAt: row.deliveredAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function webhookEndpointRepository(db: Db): WebhookEndpointRepository {
  return {
    create: (id, input) => guard('webhook endpoint', async () => toEndpoint(await db.webhookEndpoint.create({ data: { id, ...input } }))),
    get: (id) => guard('webhook endpoint', async () => toEndpoint(await db.webhookEndpoint.findUniqueOrThrow({ where: { id } }))),
    list: (page) =>
      guard('webhook endpoint', async () => {
        const query = pageQuery(page);
        const where = page.organizationId === undefined ? query.where : { ...query.where, organizationId: page.organizationId };
        return toPage(await db.webhookEndpoint.findMany({ ...query, where }), page, toEndpoint);
      }),
    update: (id, patch) => guard('webhook endpoint', async () => toEndpoint(await db.webhookEndpoint.update({ where: { id }, data: patch }))),
    delete: (id) =>
      guard('webhook endpoint', async () => {
        await db.webhookEndpoint.delete({ where: { id } });
      }),
  };
}

/** `requeued` nudges the relay after a retry or replay, like a commit of new events. */
export function webhookDeliveryRepository(db: Db, requeued: () => void = () => {}): WebhookDeliveryRepository {
  return {
    listForEndpoint: async (page) => {
      // Newest first: ids are ULIDs, so "id < cursor" walks back in time.
      const rows = await db.webhookDelivery.findMany({
        where: { endpointId: page.endpointId, ...(page.status ? { status: page.status } : {}), ...(page.after === undefined ? {} : { id: { lt: page.after } }) },
        orderBy: { id: 'desc' },
        take: page.limit + 1,
        include: withEvent,
      });
      return toPage(rows, page, toDelivery);
    },

    get: async (id) => {
      const row = await db.webhookDelivery.findUnique({ where: { id }, include: { ...withEvent, attemptLog: { orderBy: { id: 'asc' } } } });
      if (!row) throw new NotFound('webhook delivery not found');
      const attemptLog = row.attemptLog.map((a) => ({ attemptedAt: a.attemptedAt, statusCode: a.statusCode, latencyMs: a.latencyMs, error: a.error }));
      return { ...toDelivery(row), attemptLog };
    },

    requeue: async (ids, at) => {
      if (ids.length === 0) return 0;
      const { count } = await db.webhookDelivery.updateMany({
        where: { id: { in: ids } },
        data: { status: 'pending', attempts: 0, nextAttemptAt: at, leaseUntil: null, handedOffAt: null, deliveredAt: null, updatedAt: at },
      });
      if (count > 0) requeued();
      return count;
    },

    failedSince: async (endpointId, since, limit) => {
      const rows = await db.webhookDelivery.findMany({ where: { endpointId, status: 'failed', createdAt: { gte: since } }, orderBy: { id: 'asc' }, take: limit, select: { id: true } });
      return rows.map((r) => r.id);
    },
  };
}
