import type { AuditLog as Row } from '../generated/client.js';
import { newId } from '../ids.js';
import { guard } from '../prisma-errors.js';
import type { AuditActorType, AuditLogEntry, AuditOutcome } from '../records.js';
import type { AuditLogRepository } from '../store.js';
import type { Db } from './db.js';
import { pageQuery, toPage } from './pagination.js';

function toEntry(row: Row): AuditLogEntry {
  return {
    id: row.id,
    occurredAt: row.occurredAt,
    actorType: row.actorType as AuditActorType,
    actorId: row.actorId,
    actorName: row.actorName,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    organizationId: row.organizationId,
    ip: row.ip,
    userAgent: row.userAgent,
    requestId: row.requestId,
    outcome: row.outcome as AuditOutcome,
    metadata: (row.metadata ?? {}) as Record<string, unknown>,
  };
}

export function auditLogRepository(db: Db): AuditLogRepository {
  return {
    append: (entry) =>
      guard('audit log entry', async () => {
        const { metadata, occurredAt, ...rest } = entry;
        const data = { id: newId('audit'), ...rest, metadata: metadata as object, ...(occurredAt ? { occurredAt } : {}) };
        return toEntry(await db.auditLog.create({ data }));
      }),

    list: (page) =>
      guard('audit log entry', async () => {
        const org = page.organizationId === undefined ? {} : { organizationId: page.organizationId };
        if (page.newestFirst) {
          const where = { ...org, ...(page.after === undefined ? {} : { id: { lt: page.after } }) };
          return toPage(await db.auditLog.findMany({ where, orderBy: { id: 'desc' }, take: page.limit + 1 }), page, toEntry);
        }
        const query = pageQuery(page);
        return toPage(await db.auditLog.findMany({ ...query, where: { ...query.where, ...org } }), page, toEntry);
      }),

    deleteOlderThan: async (before) => (await db.auditLog.deleteMany({ where: { occurredAt: { lt: before } } })).count,
  };
}
