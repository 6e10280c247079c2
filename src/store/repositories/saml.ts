import type { IdpInitiatedLoginRecord } from '../records.js';
import type { IdpInitiatedLoginRepository, SamlAssertionRepository } from '../store.js';
import { consumeRow } from './consume.js';
import type { Db } from './db.js';

export function samlAssertionRepository(db: Db): SamlAssertionRepository {
  return {
    // One statement: the primary key decides between concurrent ACS posts of the same assertion,
    // on any number of API nodes.
    recordUse: async (connectionId, assertionId, expiresAt) =>
      (await db.samlAssertionUse.createMany({ data: [{ connectionId, assertionId, expiresAt }], skipDuplicates: true })).count === 1,
    deleteExpired: async (before) => (await db.samlAssertionUse.deleteMany({ where: { expiresAt: { lt: before } } })).count,
  };
}


export function idpInitiatedLoginRepository(db: Db): IdpInitiatedLoginRepository {
  return {
    create: (login) => db.idpInitiatedLogin.create({ data: login }),
    consume: (id) => consumeRow<IdpInitiatedLoginRecord>(db, 'idp_initiated_logins', id),
    deleteExpired: async (before) => (await db.idpInitiatedLogin.deleteMany({ where: { expiresAt: { lt: before } } })).count,
  };
}
