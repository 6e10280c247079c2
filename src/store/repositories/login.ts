import type { LoginAttempt, Prisma, Profile } from '../generated/client.js';
import { newId } from '../ids.js';
import type { LoginAttemptRecord, ProfileRecord } from '../records.js';
import type { LoginAttemptRepository, ProfileRepository } from '../store.js';
import type { Db } from './db.js';

const toAttempt = (row: LoginAttempt): LoginAttemptRecord => ({ ...row, stash: row.stash as Record<string, unknown> });
const toProfile = (row: Profile): ProfileRecord => ({
  ...row,
  customAttributes: row.customAttributes as Record<string, unknown>,
  rawAttributes: row.rawAttributes as Record<string, unknown>,
});
interface RawAttempt {
  id: string;
  organization_id: string;
  connection_id: string;
  interaction_uid: string;
  stash: unknown;
  created_at: Date;
  expires_at: Date;
}
const json = (value: Record<string, unknown>) => value as Prisma.InputJsonValue;

export function loginAttemptRepository(db: Db): LoginAttemptRepository {
  return {
    create: async (attempt) => toAttempt(await db.loginAttempt.create({ data: { ...attempt, stash: json(attempt.stash) } })),
    peek: async (id) => {
      const row = await db.loginAttempt.findUnique({ where: { id } });
      return row ? toAttempt(row) : undefined;
    },
    consume: async (id) => {
      // One statement, one round trip: of two concurrent consumers only one gets the row back.
      const rows = await db.$queryRaw<RawAttempt[]>`
        DELETE FROM login_attempts WHERE id = ${id}
        RETURNING id, organization_id, connection_id, interaction_uid, stash, created_at, expires_at`;
      const row = rows[0];
      return row
        ? { id: row.id, organizationId: row.organization_id, connectionId: row.connection_id, interactionUid: row.interaction_uid, stash: row.stash as Record<string, unknown>, createdAt: row.created_at, expiresAt: row.expires_at }
        : undefined;
    },
    deleteExpired: async (before) => (await db.loginAttempt.deleteMany({ where: { expiresAt: { lt: before } } })).count,
  };
}

export function profileRepository(db: Db): ProfileRepository {
  return {
    recordLogin: async (input, at) => {
      const data = { ...input, customAttributes: json(input.customAttributes), rawAttributes: json(input.rawAttributes) };
      const row = await db.profile.upsert({
        where: { connectionId_idpId: { connectionId: input.connectionId, idpId: input.idpId } },
        create: { id: newId('prof'), ...data, firstLoginAt: at, lastLoginAt: at },
        update: { ...data, lastLoginAt: at },
      });
      return toProfile(row);
    },
    find: async (id) => {
      const row = await db.profile.findUnique({ where: { id } });
      return row ? toProfile(row) : undefined;
    },
  };
}
