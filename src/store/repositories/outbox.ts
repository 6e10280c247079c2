// The outbox (written in the transaction of each change) and the events feed read from it.
import { TEST_EVENT_TYPE } from '../../webhooks/event-types.js';
import type { Prisma } from '../generated/client.js';
import { newId } from '../ids.js';
import { OUTBOX_LOCK_SQL } from '../outbox-order.js';
import type { AuditLogInput } from '../store.js';
import type { OutboxEventInput, OutboxEventRecord, OutboxRepository } from '../webhook-data.js';
import type { Db } from './db.js';

type Row = Prisma.OutboxEventGetPayload<object>;

export function toOutboxEvent(row: Row): OutboxEventRecord {
  return {
    id: row.id,
    sequence: row.sequence,
    type: row.type,
    organizationId: row.organizationId,
    directoryId: row.directoryId,
    occurredAt: row.createdAt,
    data: row.data as Record<string, unknown>,
  };
}

const toRow = (e: OutboxEventInput, fannedOutAt: Date | null = null) => ({
  id: e.id,
  type: e.type,
  organizationId: e.organizationId,
  directoryId: e.directoryId,
  data: e.data as Prisma.InputJsonValue,
  createdAt: e.occurredAt,
  fannedOutAt,
});

// One statement, one round trip: the outbox lock is taken by the CTE the insert reads first (so
// before any sequence number is drawn) and held until the statement's own commit.
export const APPEND_WITH_AUDIT = `
  WITH lock AS (${OUTBOX_LOCK_SQL}),
  audit AS (
    INSERT INTO audit_logs (id, occurred_at, actor_type, actor_id, actor_name, action, target_type, target_id, organization_id, ip, user_agent, request_id, outcome, metadata)
    VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb))
  INSERT INTO outbox_events (id, type, organization_id, directory_id, data, created_at)
  SELECT e.id, e.type, e.organization_id, e.directory_id, e.data, e.created_at
  FROM lock, unnest($15::text[], $16::text[], $17::text[], $18::text[], $19::jsonb[], $20::timestamptz[]) AS e(id, type, organization_id, directory_id, data, created_at)`;

export function appendWithAuditValues(events: OutboxEventInput[], a: AuditLogInput): unknown[] {
  return [
    newId('audit'), a.occurredAt ?? new Date(), a.actorType, a.actorId, a.actorName, a.action, a.targetType, a.targetId, a.organizationId,
    a.ip, a.userAgent, a.requestId, a.outcome, JSON.stringify(a.metadata),
    events.map((e) => e.id), events.map((e) => e.type), events.map((e) => e.organizationId), events.map((e) => e.directoryId),
    events.map((e) => JSON.stringify(e.data)), events.map((e) => e.occurredAt),
  ];
}

export function outboxRepository(db: Db, appended: () => void = () => {}): OutboxRepository {
  // The lock is a transaction lock: on the root client, the append opens its own transaction.
  const inTransaction = async (fn: (tx: Prisma.TransactionClient) => Promise<void>): Promise<void> => {
    await ('$transaction' in db ? db.$transaction(fn) : fn(db));
    appended();
  };
  return {
    append: (events) =>
      events.length === 0
        ? Promise.resolve()
        : inTransaction(async (tx) => {
            await tx.$executeRawUnsafe(OUTBOX_LOCK_SQL);
            await tx.outboxEvent.createMany({ data: events.map((e) => toRow(e)) });
          }),

    appendWithAudit: async (events, audit) => {
      await db.$executeRawUnsafe(APPEND_WITH_AUDIT, ...appendWithAuditValues(events, audit));
      if (events.length > 0) appended();
    },

    appendDirect: (event, endpointId, deliveryId) =>
      inTransaction(async (tx) => {
        await tx.$executeRawUnsafe(OUTBOX_LOCK_SQL);
        const row = await tx.outboxEvent.create({ data: toRow(event, event.occurredAt) });
        await tx.webhookDelivery.create({ data: { id: deliveryId, endpointId, eventSequence: row.sequence, nextAttemptAt: event.occurredAt } });
      }),

    feed: async ({ afterSequence, limit, types, organizationId }) => {
      const type = types && types.length > 0 ? { in: types.filter((t) => t !== TEST_EVENT_TYPE) } : { not: TEST_EVENT_TYPE };
      const rows = await db.outboxEvent.findMany({
        where: { sequence: { gt: afterSequence }, type, ...(organizationId === undefined ? {} : { organizationId }) },
        orderBy: { sequence: 'asc' },
        take: limit,
      });
      return rows.map(toOutboxEvent);
    },

    deleteOlderThan: async (before) => {
      const { count } = await db.outboxEvent.deleteMany({ where: { createdAt: { lt: before }, fannedOutAt: { not: null } } });
      return count;
    },
  };
}
