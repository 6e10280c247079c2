import type { Prisma } from '../generated/client.js';
import type { SessionRecord } from '../records.js';
import type { OidcPayloadRepository } from '../store.js';
import { toPage } from './pagination.js';
import type { Db } from './db.js';

type Row = { payload: Prisma.JsonValue; consumedAt: Date | null } | null;

function unpack(row: Row): Record<string, unknown> | undefined {
  if (!row) return undefined;
  const payload = row.payload as Record<string, unknown>;
  return row.consumedAt ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : payload;
}

const live = (now: Date) => ({ OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] });
const select = { payload: true, consumedAt: true } as const;

export function oidcPayloadRepository(db: Db): OidcPayloadRepository {
  return {
    async upsert(kind, id, payload, expiresAt) {
      const columns = {
        payload: payload as Prisma.InputJsonValue,
        grantId: typeof payload.grantId === 'string' ? payload.grantId : null,
        accountId: typeof payload.accountId === 'string' ? payload.accountId : null,
        userCode: typeof payload.userCode === 'string' ? payload.userCode : null,
        uid: typeof payload.uid === 'string' ? payload.uid : null,
        expiresAt,
      };
      await db.oidcPayload.upsert({ where: { kind_id: { kind, id } }, create: { kind, id, ...columns }, update: columns });
    },
    find: async (kind, id, now) => unpack(await db.oidcPayload.findFirst({ where: { kind, id, ...live(now) }, select })),
    findByUid: async (kind, uid, now) => unpack(await db.oidcPayload.findFirst({ where: { kind, uid, ...live(now) }, select })),
    findByUserCode: async (kind, userCode, now) =>
      unpack(await db.oidcPayload.findFirst({ where: { kind, userCode, ...live(now) }, select })),
    async consume(kind, id, at) {
      await db.oidcPayload.updateMany({ where: { kind, id }, data: { consumedAt: at } });
    },
    async destroy(kind, id) {
      await db.oidcPayload.deleteMany({ where: { kind, id } });
    },
    async revokeByGrantId(grantId) {
      await db.oidcPayload.deleteMany({ where: { grantId } });
    },
    deleteExpired: async (before) => (await db.oidcPayload.deleteMany({ where: { expiresAt: { lt: before } } })).count,
    listSessions: async (page, now) => {
      const profile = {
        ...(page.organizationId ? { organizationId: page.organizationId } : {}),
        ...(page.connectionId ? { connectionId: page.connectionId } : {}),
        ...(page.profileId ? { id: page.profileId } : {}),
      };
      const rows = await db.oidcPayload.findMany({
        where: {
          kind: 'Session',
          accountId: { not: null },
          profile,
          ...live(now),
          ...(page.after || page.sessionId ? { id: { ...(page.after ? { gt: page.after } : {}), ...(page.sessionId ? { equals: page.sessionId } : {}) } } : {}),
        },
        orderBy: { id: 'asc' },
        take: page.limit + 1,
        include: { profile: { select: { organizationId: true, connectionId: true, email: true } } },
      });
      return toPage(rows, page, toSession);
    },
  };
}

type SessionRow = Prisma.OidcPayloadGetPayload<{ include: { profile: { select: { organizationId: true; connectionId: true; email: true } } } }>;

function toSession(row: SessionRow): SessionRecord {
  const payload = row.payload as { loginTs?: number; exp?: number; authorizations?: Record<string, { grantId?: string }> };
  const grantIds = Object.values(payload.authorizations ?? {}).flatMap((a) => (typeof a.grantId === 'string' ? [a.grantId] : []));
  return {
    id: row.id,
    profileId: row.accountId!,
    organizationId: row.profile!.organizationId,
    connectionId: row.profile!.connectionId,
    email: row.profile!.email,
    grantIds,
    signedInAt: payload.loginTs ? new Date(payload.loginTs * 1000) : null,
    expiresAt: row.expiresAt,
  };
}
