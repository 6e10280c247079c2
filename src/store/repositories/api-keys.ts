import type { ApiKey as Row } from '../generated/client.js';
import { newId } from '../ids.js';
import { guard } from '../prisma-errors.js';
import type { ApiKeyRecord } from '../records.js';
import type { ApiKeyRepository } from '../store.js';
import type { Db } from './db.js';
import { pageQuery, toPage } from './pagination.js';

function toApiKey(row: Row): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    secretHash: row.secretHash,
    scopes: row.scopes,
    organizationId: row.organizationId,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

export function apiKeyRepository(db: Db): ApiKeyRepository {
  return {
    create: (input) =>
      guard('API key', async () => toApiKey(await db.apiKey.create({ data: { id: newId('key'), ...input } }))),

    findByPrefix: async (prefix) => {
      const row = await db.apiKey.findUnique({ where: { prefix } });
      return row ? toApiKey(row) : undefined;
    },

    get: (id) => guard('API key', async () => toApiKey(await db.apiKey.findUniqueOrThrow({ where: { id } }))),

    list: (page) =>
      guard('API key', async () => {
        const query = pageQuery(page);
        const where = { ...query.where, ...(page.organizationId === undefined ? {} : { organizationId: page.organizationId }) };
        return toPage(await db.apiKey.findMany({ ...query, where }), page, toApiKey);
      }),

    revoke: (id, at) =>
      guard('API key', async () => {
        await db.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
        return toApiKey(await db.apiKey.findUniqueOrThrow({ where: { id } }));
      }),

    touchLastUsed: async (id, at, granularityMs) => {
      const stale = new Date(at.getTime() - granularityMs);
      await db.apiKey.updateMany({
        where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: stale } }] },
        data: { lastUsedAt: at },
      });
    },

    countActive: () => db.apiKey.count({ where: { revokedAt: null } }),
  };
}
