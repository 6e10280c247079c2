import type { IdpInitiatedLoginRepository, SamlAssertionRepository } from '../store.js';
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

interface RawLogin {
  id: string;
  organization_id: string;
  connection_id: string;
  profile_id: string;
  application_id: string;
  created_at: Date;
  expires_at: Date;
}

export function idpInitiatedLoginRepository(db: Db): IdpInitiatedLoginRepository {
  return {
    create: (login) => db.idpInitiatedLogin.create({ data: login }),
    consume: async (id) => {
      // One statement: of two concurrent consumers only one gets the row back.
      const rows = await db.$queryRaw<RawLogin[]>`
        DELETE FROM idp_initiated_logins WHERE id = ${id}
        RETURNING id, organization_id, connection_id, profile_id, application_id, created_at, expires_at`;
      const row = rows[0];
      return row
        ? { id: row.id, organizationId: row.organization_id, connectionId: row.connection_id, profileId: row.profile_id, applicationId: row.application_id, createdAt: row.created_at, expiresAt: row.expires_at }
        : undefined;
    },
    deleteExpired: async (before) => (await db.idpInitiatedLogin.deleteMany({ where: { expiresAt: { lt: before } } })).count,
  };
}
