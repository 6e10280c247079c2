// Setup links and connection test results.
import type { Prisma } from '../generated/client.js';
import { newId } from '../ids.js';
import { guard } from '../prisma-errors.js';
import type { ConnectionTestRecord, ConnectionTestRepository, SetupIntent, SetupLinkRecord, SetupLinkRepository } from '../setup-data.js';
import type { Db } from './db.js';
import { pageQuery, toPage } from './pagination.js';

const toLink = (row: Prisma.SetupLinkGetPayload<object>): SetupLinkRecord => ({ ...row, intents: row.intents as SetupIntent[] });

const toTest = (row: Prisma.ConnectionTestGetPayload<object>): ConnectionTestRecord => ({
  ...row,
  outcome: row.outcome as ConnectionTestRecord['outcome'],
  profile: row.profile as Record<string, unknown> | null,
  rawAttributes: row.rawAttributes as Record<string, unknown> | null,
});

const json = (value: Record<string, unknown> | null) => (value === null ? undefined : (value as Prisma.InputJsonValue));

export function setupLinkRepository(db: Db): SetupLinkRepository {
  return {
    create: (input) => guard('setup link', async () => toLink(await db.setupLink.create({ data: { id: newId('setup'), ...input } }))),
    get: (id) => guard('setup link', async () => toLink(await db.setupLink.findUniqueOrThrow({ where: { id } }))),
    findByPrefix: async (prefix) => {
      const row = await db.setupLink.findUnique({ where: { prefix } });
      return row ? toLink(row) : undefined;
    },
    list: (organizationId, page) =>
      guard('setup link', async () => {
        const query = pageQuery(page);
        return toPage(await db.setupLink.findMany({ ...query, where: { ...query.where, organizationId } }), page, toLink);
      }),
    revoke: (id, at) =>
      guard('setup link', async () => {
        const current = await db.setupLink.findUniqueOrThrow({ where: { id } });
        return toLink(current.revokedAt ? current : await db.setupLink.update({ where: { id }, data: { revokedAt: at } }));
      }),
    setDirectory: async (id, directoryId) => {
      await db.setupLink.update({ where: { id }, data: { directoryId } });
    },
    touch: async (id, at) => {
      await db.setupLink.updateMany({ where: { id }, data: { lastUsedAt: at } });
    },
  };
}

export function connectionTestRepository(db: Db): ConnectionTestRepository {
  return {
    create: async ({ profile, rawAttributes, ...rest }) =>
      toTest(await db.connectionTest.create({ data: { id: newId('ctest'), ...rest, profile: json(profile), rawAttributes: json(rawAttributes) } })),
    get: (id) => guard('connection test', async () => toTest(await db.connectionTest.findUniqueOrThrow({ where: { id } }))),
    latest: async (connectionId) => {
      const row = await db.connectionTest.findFirst({ where: { connectionId }, orderBy: { id: 'desc' } });
      return row ? toTest(row) : undefined;
    },
  };
}
