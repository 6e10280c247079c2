// SCIM user writes as single statements: the row, its audit entry and its events (and, on
// deactivation, the end of the user's sessions) in one round trip that is its own transaction:
// one commit, one WAL flush, no lock held across round trips. Updates issued in the same turn of
// the event loop share that statement (../write-batch.ts), each with its own outcome. An update
// applies only while the row is still at the version its change was computed from (optimistic
// concurrency); the caller re-reads and retries when it was not.
import type pg from 'pg';
import { Conflict } from '../../errors.js';
import type { ChangeLog, DirectoryDataStore, UserFields, UserWrite } from '../directory-data.js';
import { AUDIT_RECORD, auditAndEventsCtes, auditAndEventsJson, auditAndEventsValues, EVENT_RECORD, OUTBOX_LOCK_SQL } from '../outbox-order.js';
import { resultBatcher } from '../write-batch.js';
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

// Every update that reaches the store in one turn of the event loop, as one statement: one commit
// (one WAL flush) and one turn of the outbox lock for all of them, each applied only if its row is
// still at the version it was computed from. Sessions end only for rows that matched. The outbox
// lock waits for a count over everything before it, so it comes after every row lock and session
// row lock the statement takes, as in a transaction (a lock taken per row could come before the
// next row's lock and deadlock against a transaction ordered the usual way).
const UPDATE_USERS = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(
      ord int, id text, directory_id text, version int, user_name_key text, external_id text, display_name_key text, primary_email text,
      email_keys text[], active boolean, resource jsonb, updated_at timestamptz, revoke boolean, audit jsonb, events jsonb)),
  upd AS (
    UPDATE directory_users u SET user_name_key = i.user_name_key, external_id = i.external_id, display_name_key = i.display_name_key,
           primary_email = i.primary_email, email_keys = i.email_keys, active = i.active, resource = i.resource,
           version = u.version + 1, updated_at = i.updated_at
      FROM input i
     WHERE u.id = i.id AND u.directory_id = i.directory_id AND u.version = i.version RETURNING u.id),
  revoked AS (
    DELETE FROM oidc_payloads o USING upd, input i, profiles p
     WHERE i.id = upd.id AND i.revoke AND p.directory_user_id = upd.id AND o.account_id = p.id RETURNING upd.id AS user_id),
  revoked_counts AS (SELECT user_id, count(*)::int AS n FROM revoked GROUP BY user_id),
  applied AS (
    SELECT i.ord, i.audit, i.events, coalesce(rc.n, 0) AS revoked_n
      FROM input i JOIN upd ON upd.id = i.id LEFT JOIN revoked_counts rc ON rc.user_id = i.id),
  applied_count AS (SELECT count(*) AS n FROM applied),
  audit AS (
    INSERT INTO audit_logs (id, occurred_at, actor_type, actor_id, actor_name, action, target_type, target_id, organization_id, ip, user_agent, request_id, outcome, metadata)
    SELECT r.id, r.occurred_at, r.actor_type, r.actor_id, r.actor_name, r.action, r.target_type, r.target_id, r.organization_id, r.ip, r.user_agent,
           r.request_id, r.outcome, r.metadata || CASE WHEN a.revoked_n > 0 THEN jsonb_build_object('sessions_revoked', a.revoked_n) ELSE '{}'::jsonb END
      FROM applied a, jsonb_to_record(a.audit) AS r(${AUDIT_RECORD})),
  outbox_lock AS (${OUTBOX_LOCK_SQL} FROM applied_count WHERE applied_count.n > 0),
  events AS (
    INSERT INTO outbox_events (id, type, organization_id, directory_id, data, created_at)
    SELECT e.id, e.type, e.organization_id, e.directory_id, e.data, e.created_at
      FROM outbox_lock, applied a, ROWS FROM (jsonb_to_recordset(a.events) AS (${EVENT_RECORD})) WITH ORDINALITY AS e(id, type, organization_id, directory_id, data, created_at, n)
     ORDER BY a.ord, e.n)
  SELECT id FROM upd`;

interface UserUpdate {
  directoryId: string;
  id: string;
  version: number;
  user: UserWrite & { revokeSessions: boolean };
  log: ChangeLog;
}

function updateJson(u: UserUpdate, ord: number) {
  const f = u.user.fields;
  return {
    ord, id: u.id, directory_id: u.directoryId, version: u.version, user_name_key: f.userNameKey, external_id: f.externalId,
    display_name_key: f.displayNameKey, primary_email: f.primaryEmail, email_keys: f.emailKeys, active: f.active,
    resource: u.user.resource, updated_at: u.user.at, revoke: u.user.revokeSessions, ...auditAndEventsJson(u.log.events, u.log.audit),
  };
}

/** `committed` is called after a write that appended events commits. */
export function userWrites(pool: pg.Pool, committed: () => void): Pick<DirectoryDataStore, 'createUser' | 'updateUserAt'> {
  const update = resultBatcher(
    async (updates: UserUpdate[]) => {
      // Rows are locked in input order: by id, two statements lock any rows they share in one order.
      const byId = [...updates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const matched = new Set((await rows<{ id: string }>(pool, UPDATE_USERS, [JSON.stringify(byId.map(updateJson))])).map((r) => r.id));
      if (updates.some((u) => matched.has(u.id) && u.log.events.length > 0)) committed();
      return updates.map((u) => matched.has(u.id));
    },
    // One statement changes a row once: a second update of the same user waits for the next.
    { key: (u) => u.id },
  );
  return {
    async createUser(directoryId, id, user, log) {
      const values = [id, directoryId, ...fieldValues(user.fields, user.resource), user.at, ...auditAndEventsValues(log.events, log.audit)];
      const [row] = await uniqueUserName(() => rows<UserRow>(pool, CREATE_USER, values));
      if (row === undefined) throw new TypeError('INSERT ... RETURNING gave no row');
      if (log.events.length > 0) committed();
      return toUser(row);
    },

    updateUserAt: (directoryId, id, version, user, log) => uniqueUserName(() => update({ directoryId, id, version, user, log })),
  };
}
