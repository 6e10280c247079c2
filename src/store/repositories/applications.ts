import type { Prisma } from '../generated/client.js';
import { newId } from '../ids.js';
import { guard } from '../prisma-errors.js';
import type { Application, TokenEndpointAuthMethod } from '../records.js';
import type { ApplicationRepository } from '../store.js';
import type { Db } from './db.js';
import { pageQuery, toPage } from './pagination.js';

const withSecrets = { secrets: { orderBy: { id: 'desc' } } } satisfies Prisma.ApplicationInclude;
type Row = Prisma.ApplicationGetPayload<{ include: typeof withSecrets }>;

function toApplication(row: Row): Application {
  return {
    id: row.id,
    clientId: row.clientId,
    name: row.name,
    organizationId: row.organizationId,
    tokenEndpointAuthMethod: row.tokenEndpointAuthMethod as TokenEndpointAuthMethod,
    redirectUris: row.redirectUris,
    postLogoutRedirectUris: row.postLogoutRedirectUris,
    initiateLoginUri: row.initiateLoginUri,
    idTokenSignedResponseAlg: row.idTokenSignedResponseAlg as Application['idTokenSignedResponseAlg'],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    secrets: row.secrets.map((s) => ({ id: s.id, prefix: s.prefix, secretHash: s.secretHash, createdAt: s.createdAt, expiresAt: s.expiresAt })),
  };
}

export function applicationRepository(db: Db): ApplicationRepository {
  const read = (id: string) => db.application.findUniqueOrThrow({ where: { id }, include: withSecrets }).then(toApplication);
  return {
    create: ({ secret, ...input }) =>
      guard('application', async () => {
        const secrets = secret ? { create: [{ id: newId('app_secret'), ...secret }] } : undefined;
        const row = await db.application.create({ data: { id: newId('app'), ...input, secrets }, include: withSecrets });
        return toApplication(row);
      }),

    get: (id) => guard('application', () => read(id)),

    findByClientId: async (clientId) => {
      const row = await db.application.findUnique({ where: { clientId }, include: withSecrets });
      return row ? toApplication(row) : undefined;
    },

    list: (page) =>
      guard('application', async () => {
        const query = pageQuery(page);
        const where = { ...query.where, ...(page.organizationId === undefined ? {} : { organizationId: page.organizationId }) };
        return toPage(await db.application.findMany({ ...query, where, include: withSecrets }), page, toApplication);
      }),

    update: (id, patch) =>
      guard('application', async () => toApplication(await db.application.update({ where: { id }, data: patch, include: withSecrets }))),

    delete: (id) =>
      guard('application', async () => {
        await db.application.delete({ where: { id } });
      }),

    rotateSecret: (id, secret, now, previousExpireAt) =>
      guard('application', async () => {
        await db.application.findUniqueOrThrow({ where: { id }, select: { id: true } });
        await db.applicationSecret.deleteMany({ where: { applicationId: id, expiresAt: { lte: now } } });
        const stillValid = { applicationId: id, OR: [{ expiresAt: null }, { expiresAt: { gt: previousExpireAt } }] };
        await db.applicationSecret.updateMany({ where: stillValid, data: { expiresAt: previousExpireAt } });
        await db.applicationSecret.create({ data: { id: newId('app_secret'), applicationId: id, ...secret } });
        return read(id);
      }),
  };
}
