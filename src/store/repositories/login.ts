import type { LoginAttempt, Prisma, Profile } from '../generated/client.js';
import { newId } from '../ids.js';
import type { LoginAttemptRecord, ProfileRecord } from '../records.js';
import type { LoginAttemptRepository, ProfileRepository } from '../store.js';
import { consumeRow } from './consume.js';
import type { Db } from './db.js';

const toAttempt = (row: LoginAttempt): LoginAttemptRecord => ({ ...row, stash: row.stash as Record<string, unknown> });
const toProfile = (row: Profile): ProfileRecord => ({
  ...row,
  customAttributes: row.customAttributes as Record<string, unknown>,
  rawAttributes: row.rawAttributes as Record<string, unknown>,
});
const json = (value: Record<string, unknown>) => value as Prisma.InputJsonValue;

export function loginAttemptRepository(db: Db): LoginAttemptRepository {
  return {
    create: async (attempt) => toAttempt(await db.loginAttempt.create({ data: { ...attempt, stash: json(attempt.stash) } })),
    peek: async (id) => {
      const row = await db.loginAttempt.findUnique({ where: { id } });
      return row ? toAttempt(row) : undefined;
    },
    consume: (id) => consumeRow<LoginAttemptRecord>(db, 'login_attempts', id),
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
