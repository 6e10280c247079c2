import type { Prisma } from '../generated/client.js';
import type { OidcPayloadRepository } from '../store.js';
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
  };
}
