// SCIM user writes as single statements: the row, its audit entry and its events (and, on
// deactivation, the end of the user's sessions) in one round trip that is its own transaction:
// one commit, one WAL flush, no lock held across round trips. The creates, and the updates, issued
// in one turn of the event loop share such a statement (../write-batch.ts), each with its own
// outcome. An update applies only while the row is still at the version its change was computed
// from (optimistic concurrency); the caller re-reads and retries when it was not.
import type pg from 'pg';
import { Conflict } from '../../errors.js';
import type { ChangeLog, DirectoryDataStore, UserWrite } from '../directory-data.js';
import { appliedAuditAndEventsCtes, auditAndEventsJson } from '../outbox-order.js';
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

// Every create that reaches the store in one turn of the event loop, as one statement. The audit
// entries and events read the inserted rows, so a unique violation writes nothing at all (the
// creates are then tried one by one, and only the clashing one fails).
const CREATE_USERS = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(
      ord int, id text, directory_id text, user_name_key text, external_id text, display_name_key text, primary_email text,
      email_keys text[], active boolean, resource jsonb, at timestamptz, audit jsonb, events jsonb)),
  ins AS (
    INSERT INTO directory_users (id, directory_id, user_name_key, external_id, display_name_key, primary_email, email_keys, active, resource, version, created_at, updated_at)
    SELECT id, directory_id, user_name_key, external_id, display_name_key, primary_email, email_keys, active, resource, 1, at, at FROM input ORDER BY ord
    RETURNING ${USER_COLUMNS}),
  applied AS (SELECT i.ord, i.audit, i.events FROM input i JOIN ins ON ins.id = i.id),
  ${appliedAuditAndEventsCtes()}
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
      email_keys text[], active boolean, resource jsonb, at timestamptz, revoke boolean, audit jsonb, events jsonb)),
  upd AS (
    UPDATE directory_users u SET user_name_key = i.user_name_key, external_id = i.external_id, display_name_key = i.display_name_key,
           primary_email = i.primary_email, email_keys = i.email_keys, active = i.active, resource = i.resource,
           version = u.version + 1, updated_at = i.at
      FROM input i
     WHERE u.id = i.id AND u.directory_id = i.directory_id AND u.version = i.version RETURNING u.id),
  revoked AS (
    DELETE FROM oidc_payloads o USING upd, input i, profiles p
     WHERE i.id = upd.id AND i.revoke AND p.directory_user_id = upd.id AND o.account_id = p.id RETURNING upd.id AS user_id),
  revoked_counts AS (SELECT user_id, count(*)::int AS n FROM revoked GROUP BY user_id),
  applied AS (
    SELECT i.ord, i.audit, i.events, coalesce(rc.n, 0) AS revoked_n
      FROM input i JOIN upd ON upd.id = i.id LEFT JOIN revoked_counts rc ON rc.user_id = i.id),
  ${appliedAuditAndEventsCtes("CASE WHEN a.revoked_n > 0 THEN jsonb_build_object('sessions_revoked', a.revoked_n) ELSE '{}'::jsonb END")}
  SELECT id FROM upd`;

interface UserCreate {
  directoryId: string;
  id: string;
  user: UserWrite;
  log: ChangeLog;
}

/** What a create and an update both carry: the row's columns, its audit entry and its events. */
function rowJson(w: UserCreate, ord: number) {
  const f = w.user.fields;
  return {
    ord, id: w.id, directory_id: w.directoryId, user_name_key: f.userNameKey, external_id: f.externalId, display_name_key: f.displayNameKey,
    primary_email: f.primaryEmail, email_keys: f.emailKeys, active: f.active, resource: w.user.resource, at: w.user.at,
    ...auditAndEventsJson(w.log.events, w.log.audit),
  };
}

interface UserUpdate extends UserCreate {
  version: number;
  user: UserWrite & { revokeSessions: boolean };
}

const updateJson = (u: UserUpdate, ord: number) => ({ ...rowJson(u, ord), version: u.version, revoke: u.user.revokeSessions });

/** Rows and index entries are locked in the order a statement names them: sorted, two statements lock what they share in one order. */
const sortedBy = <T>(items: T[], key: (item: T) => string) => [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

/** `committed` is called after a write that appended events commits. */
export function userWrites(pool: pg.Pool, committed: () => void): Pick<DirectoryDataStore, 'createUser' | 'updateUserAt'> {
  const create = resultBatcher(async (creates: UserCreate[]) => {
    const byName = sortedBy(creates, (c) => c.user.fields.userNameKey);
    const inserted = new Map((await rows<UserRow>(pool, CREATE_USERS, [JSON.stringify(byName.map(rowJson))])).map((r) => [r.id, toUser(r)]));
    if (creates.some((c) => c.log.events.length > 0)) committed();
    return creates.map((c) => {
      const user = inserted.get(c.id);
      if (user === undefined) throw new TypeError('INSERT ... RETURNING gave no row');
      return user;
    });
  });
  const update = resultBatcher(
    async (updates: UserUpdate[]) => {
      const byId = sortedBy(updates, (u) => u.id);
      const matched = new Set((await rows<{ id: string }>(pool, UPDATE_USERS, [JSON.stringify(byId.map(updateJson))])).map((r) => r.id));
      if (updates.some((u) => matched.has(u.id) && u.log.events.length > 0)) committed();
      return updates.map((u) => matched.has(u.id));
    },
    // One statement changes a row once: a second update of the same user waits for the next.
    { key: (u) => u.id },
  );
  return {
    createUser: (directoryId, id, user, log) => uniqueUserName(() => create({ directoryId, id, user, log })),
    updateUserAt: (directoryId, id, version, user, log) => uniqueUserName(() => update({ directoryId, id, version, user, log })),
  };
}
