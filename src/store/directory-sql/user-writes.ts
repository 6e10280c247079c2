// SCIM user writes as single statements: the row, its audit entry and its events (and, on
// deactivation, the end of the user's sessions) in one round trip that is its own transaction:
// one commit, one WAL flush, no lock held across round trips. An update applies only while the row
// is still at the version its change was computed from (optimistic concurrency); the caller
// re-reads and retries when it was not.
import type pg from 'pg';
import { Conflict } from '../../errors.js';
import type { DirectoryDataStore, UserFields } from '../directory-data.js';
import { auditAndEventsCtes, auditAndEventsValues } from '../outbox-order.js';
import { rows, toUser, USER_COLUMNS } from './rows.js';

type UserRow = Parameters<typeof toUser>[0];

const USER_NAME_INDEX = 'directory_users_directory_id_user_name_key_key';

/** A userName clash (case-insensitive, per directory) as the Conflict SCIM answers 409 uniqueness to. */
export async function uniqueUserName<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if ((error as { code?: string; constraint?: string }).code === '23505' && (error as { constraint?: string }).constraint === USER_NAME_INDEX) {
      throw new Conflict('userName is already used by another user of this directory', { code: 'user_name_taken', cause: error });
    }
    throw error;
  }
}

const fieldValues = (f: UserFields, resource: Record<string, unknown>) =>
  [f.userNameKey, f.externalId, f.displayNameKey, f.primaryEmail, f.emailKeys, f.active, JSON.stringify(resource)];

// The audit entry and events read the inserted row, so a unique violation writes nothing at all.
const CREATE_USER = `
  WITH ins AS (
    INSERT INTO directory_users (id, directory_id, user_name_key, external_id, display_name_key, primary_email, email_keys, active, resource, version, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10) RETURNING ${USER_COLUMNS}),
  ${auditAndEventsCtes(11, { gate: 'ins' })}
  SELECT ${USER_COLUMNS} FROM ins`;

// Sessions end only if the row matched; the gate reads `revoked_count` (all of the DELETE), so the
// outbox lock comes after both the row lock and the session rows' locks, as in a transaction.
const UPDATE_USER = `
  WITH upd AS (
    UPDATE directory_users SET user_name_key = $4, external_id = $5, display_name_key = $6, primary_email = $7, email_keys = $8,
           active = $9, resource = $10, version = version + 1, updated_at = $11
     WHERE id = $1 AND directory_id = $2 AND version = $3 RETURNING id),
  revoked AS (
    DELETE FROM oidc_payloads WHERE $12::boolean AND account_id IN (SELECT p.id FROM profiles p JOIN upd ON p.directory_user_id = upd.id) RETURNING 1),
  revoked_count AS (SELECT count(*)::int AS n FROM revoked),
  ${auditAndEventsCtes(13, {
    gate: 'upd, revoked_count',
    metadata: `CASE WHEN revoked_count.n > 0 THEN jsonb_build_object('sessions_revoked', revoked_count.n) ELSE '{}'::jsonb END`,
  })}
  SELECT id FROM upd`;

/** `committed` is called after a write that appended events commits. */
export function userWrites(pool: pg.Pool, committed: () => void): Pick<DirectoryDataStore, 'createUser' | 'updateUserAt'> {
  return {
    async createUser(directoryId, id, user, log) {
      const values = [id, directoryId, ...fieldValues(user.fields, user.resource), user.at, ...auditAndEventsValues(log.events, log.audit)];
      const [row] = await uniqueUserName(() => rows<UserRow>(pool, CREATE_USER, values));
      if (row === undefined) throw new TypeError('INSERT ... RETURNING gave no row');
      if (log.events.length > 0) committed();
      return toUser(row);
    },

    async updateUserAt(directoryId, id, version, user, log) {
      const values = [id, directoryId, version, ...fieldValues(user.fields, user.resource), user.at, user.revokeSessions, ...auditAndEventsValues(log.events, log.audit)];
      const [row] = await uniqueUserName(() => rows<{ id: string }>(pool, UPDATE_USER, values));
      if (row === undefined) return false;
      if (log.events.length > 0) committed();
      return true;
    },
  };
}
