import type { Connection as Row, Prisma } from '../generated/client.js';
import { newId } from '../ids.js';
import { guard } from '../prisma-errors.js';
import type { ConnectionRecord, ConnectionStatus } from '../records.js';
import type { ConnectionRepository } from '../store.js';
import type { Db } from './db.js';
import { pageQuery, toPage } from './pagination.js';

function toConnection(row: Row): ConnectionRecord {
  return {
    id: row.id,
    organizationId: row.organizationId,
    type: row.type,
    name: row.name,
    preset: row.preset,
    status: row.status as ConnectionStatus,
    config: row.config as Record<string, unknown>,
    attributeMapping: row.attributeMapping as Record<string, string>,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const json = (value: object | undefined) => value as Prisma.InputJsonValue | undefined;

export function connectionRepository(db: Db): ConnectionRepository {
  return {
    create: (input) =>
      guard('connection', async () =>
        toConnection(
          await db.connection.create({
            data: { ...input, id: input.id ?? newId('conn'), config: json(input.config)!, attributeMapping: json(input.attributeMapping)! },
          }),
        ),
      ),
    get: (id) => guard('connection', async () => toConnection(await db.connection.findUniqueOrThrow({ where: { id } }))),
    list: (page) =>
      guard('connection', async () => {
        const query = pageQuery(page);
        const where = { ...query.where, organizationId: page.organizationId };
        return toPage(await db.connection.findMany({ ...query, where }), page, toConnection);
      }),
    update: (id, patch) =>
      guard('connection', async () => {
        const { config, attributeMapping, ...rest } = patch;
        const data = { ...rest, ...(config ? { config: json(config) } : {}), ...(attributeMapping ? { attributeMapping: json(attributeMapping) } : {}) };
        return toConnection(await db.connection.update({ where: { id }, data }));
      }),
    delete: (id) =>
      guard('connection', async () => {
        await db.connection.delete({ where: { id } });
      }),
    listOfTypes: (types, page) =>
      guard('connection', async () => {
        const query = pageQuery(page);
        return toPage(await db.connection.findMany({ ...query, where: { ...query.where, type: { in: [...types] } } }), page, toConnection);
      }),
    listActive: async (organizationId) =>
      (await db.connection.findMany({ where: { organizationId, status: 'active' }, orderBy: { id: 'asc' }, take: 50 })).map(toConnection),
  };
}
