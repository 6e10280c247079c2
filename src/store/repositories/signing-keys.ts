import type { SigningKeyRepository } from '../store.js';
import type { Db } from './db.js';

export function signingKeyRepository(db: Db): SigningKeyRepository {
  return {
    list: () => db.signingKey.findMany({ orderBy: { createdAt: 'desc' } }),
    create: (key) => db.signingKey.create({ data: key }),
    async retire(ids, at) {
      await db.signingKey.updateMany({ where: { id: { in: ids }, retiredAt: null }, data: { retiredAt: at } });
    },
    deleteRetiredBefore: async (before) => (await db.signingKey.deleteMany({ where: { retiredAt: { lt: before } } })).count,
  };
}
