// Directories and their SCIM tokens (the admin side; SCIM traffic goes through directory-data).
import type { Prisma } from '../generated/client.js';
import { newId } from '../ids.js';
import { guard } from '../prisma-errors.js';
import type { DirectoryProvider, DirectoryRecord } from '../records.js';
import type { DirectoryRepository } from '../store.js';
import type { Db } from './db.js';
import { pageQuery, toPage } from './pagination.js';

const withTokens = { tokens: { orderBy: { id: 'desc' } } } satisfies Prisma.DirectoryInclude;
type Row = Prisma.DirectoryGetPayload<{ include: typeof withTokens }>;

function toDirectory(row: Row): DirectoryRecord {
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    provider: row.provider as DirectoryProvider,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    lastRequestAt: row.lastRequestAt,
    recentErrors: row.recentErrors as unknown as DirectoryRecord['recentErrors'],
    tokens: row.tokens.map((t) => ({ id: t.id, prefix: t.prefix, secretHash: t.secretHash, createdAt: t.createdAt, expiresAt: t.expiresAt })),
  };
}

export function directoryRepository(db: Db): DirectoryRepository {
  const read = (id: string) => db.directory.findUniqueOrThrow({ where: { id }, include: withTokens }).then(toDirectory);
  return {
    create: ({ token, ...input }) =>
      guard('directory', async () => {
        const tokens = { create: [{ id: newId('dir_token'), ...token }] };
        return toDirectory(await db.directory.create({ data: { id: newId('dir'), ...input, tokens }, include: withTokens }));
      }),

    get: (id) => guard('directory', () => read(id)),

    list: (page) =>
      guard('directory', async () => {
        const query = pageQuery(page);
        const rows = await db.directory.findMany({ ...query, where: { ...query.where, organizationId: page.organizationId }, include: withTokens });
        return toPage(rows, page, toDirectory);
      }),

    delete: (id) =>
      guard('directory', async () => {
        await db.directory.delete({ where: { id } });
      }),

    rotateToken: (id, token, now, previousExpireAt) =>
      guard('directory', async () => {
        await db.directory.findUniqueOrThrow({ where: { id }, select: { id: true } });
        await db.directoryToken.deleteMany({ where: { directoryId: id, expiresAt: { lte: now } } });
        await db.directoryToken.updateMany({
          where: { directoryId: id, OR: [{ expiresAt: null }, { expiresAt: { gt: previousExpireAt } }] },
          data: { expiresAt: previousExpireAt },
        });
        await db.directoryToken.create({ data: { id: newId('dir_token'), directoryId: id, ...token } });
        return read(id);
      }),
  };
}
