// The outbox (written in the transaction of each change) and the events feed read from it.
import { TEST_EVENT_TYPE } from '../../webhooks/event-types.js';
import type { Prisma } from '../generated/client.js';
import { APPEND_WITH_AUDIT, auditAndEventsValues, OUTBOX_LOCK_SQL } from '../outbox-order.js';
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
      await db.$executeRawUnsafe(APPEND_WITH_AUDIT, ...auditAndEventsValues(events, audit));
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
