// Reads of directory contents; each is one indexed statement (a list is a page plus its count).
import type { DirectoryReads, DirectoryTokenMatch, MemberSummary } from '../directory-data.js';
import { GROUP_COLUMNS, rows, toGroup, toUser, USER_COLUMNS, type Queryable } from './rows.js';
import { GROUP_FILTER_COLUMNS, listRows, USER_FILTER_COLUMNS } from './lists.js';
import { loginLinkReads } from './login-link.js';
import { resultBatcher } from '../write-batch.js';

const MEMBER_SUMMARY = "u.id AS user_id, u.resource->>'userName' AS user_name, u.primary_email AS email";

export function toMember(row: { user_id: string; user_name: string; email: string | null }): MemberSummary {
  return { userId: row.user_id, userName: row.user_name, email: row.email };
}

export function directoryReads(db: Queryable): DirectoryReads {
  return {
    ...loginLinkReads(db),

    async findTokens(prefix) {
      const found = await rows<{ directory_id: string; organization_id: string; id: string; secret_hash: string; expires_at: Date | null }>(
        db,
        `SELECT t.id, t.directory_id, d.organization_id, t.secret_hash, t.expires_at
           FROM directory_tokens t JOIN directories d ON d.id = t.directory_id WHERE t.prefix = $1`,
        [prefix],
      );
      return found.map((r): DirectoryTokenMatch => ({
        directoryId: r.directory_id,
        organizationId: r.organization_id,
        tokenId: r.id,
        secretHash: r.secret_hash,
        expiresAt: r.expires_at,
      }));
    },

    async touchLastRequest(directoryId, at, granularityMs) {
      await db.query(
        `UPDATE directories SET last_request_at = $2
          WHERE id = $1 AND (last_request_at IS NULL OR last_request_at < $3)`,
        [directoryId, at, new Date(at.getTime() - granularityMs)],
      );
    },

    async recordError(directoryId, error) {
      await db.query(
        `UPDATE directories SET recent_errors = (SELECT COALESCE(jsonb_agg(e.value ORDER BY e.ordinality), '[]'::jsonb)
           FROM jsonb_array_elements(jsonb_build_array($2::jsonb) || recent_errors) WITH ORDINALITY AS e WHERE e.ordinality <= 10)
         WHERE id = $1`,
        [directoryId, JSON.stringify(error)],
      );
    },

    async getUser(directoryId, id) {
      const found = await rows<Parameters<typeof toUser>[0]>(db, `SELECT ${USER_COLUMNS} FROM directory_users WHERE directory_id = $1 AND id = $2`, [directoryId, id]);
      return found[0] && toUser(found[0]);
    },

    listUsers: (directoryId, query) =>
      listRows(db, { table: 'directory_users', countColumn: 'user_count', columns: prefixed(USER_COLUMNS), filterColumns: USER_FILTER_COLUMNS, map: toUser }, directoryId, query),

    async getGroup(directoryId, id) {
      const found = await rows<Parameters<typeof toGroup>[0]>(db, `SELECT ${GROUP_COLUMNS} FROM directory_groups WHERE directory_id = $1 AND id = $2`, [directoryId, id]);
      return found[0] && toGroup(found[0]);
    },

    listGroups: (directoryId, query) =>
      listRows(db, { table: 'directory_groups', countColumn: 'group_count', columns: prefixed(GROUP_COLUMNS), filterColumns: GROUP_FILTER_COLUMNS, map: toGroup }, directoryId, query),

    async memberIds(groupIds, limit) {
      const result = new Map<string, MemberSummary[]>(groupIds.map((id) => [id, []]));
      if (groupIds.length === 0) return result;
      const found = await rows<{ group_id: string; user_id: string; user_name: string; email: string | null }>(
        db,
        `SELECT g.id AS group_id, ${MEMBER_SUMMARY}
           FROM unnest($1::text[]) AS g(id)
           CROSS JOIN LATERAL (SELECT m.user_id FROM directory_memberships m WHERE m.group_id = g.id ORDER BY m.user_id LIMIT $2) m
           JOIN directory_users u ON u.id = m.user_id`,
        [groupIds, limit],
      );
      for (const row of found) result.get(row.group_id)?.push(toMember(row));
      return result;
    },

    async groupsOfUser(userId) {
      const found = await rows<{ id: string; display_name: string }>(
        db,
        `SELECT g.id, g.resource->>'displayName' AS display_name
           FROM directory_memberships m JOIN directory_groups g ON g.id = m.group_id WHERE m.user_id = $1 ORDER BY g.id`,
        [userId],
      );
      return found.map((r) => ({ id: r.id, displayName: r.display_name }));
    },

    async counts(directoryId) {
      const [row] = await rows<{ users: number; groups: number }>(
        db,
        'SELECT user_count AS users, group_count AS groups FROM directories WHERE id = $1',
        [directoryId],
      );
      return { users: row?.users ?? 0, groups: row?.groups ?? 0 };
    },
  };
}

function prefixed(columns: string): string {
  return columns
    .split(', ')
    .map((c) => `t.${c}`)
    .join(', ');
}

/**
 * `getUser` over the pool for reads issued in the same turn of the event loop as one statement (an
 * IdP's concurrent PATCHes each read their user first). Inside a transaction reads stay its own.
 */
export function batchedUserReads(db: Queryable): Pick<DirectoryReads, 'getUser'> {
  const read = resultBatcher(
    async (wanted: Array<{ directoryId: string; id: string }>) => {
      const found = await rows<Parameters<typeof toUser>[0]>(db, `SELECT ${USER_COLUMNS} FROM directory_users WHERE id = ANY($1::text[])`, [wanted.map((w) => w.id)]);
      const byId = new Map(found.map((r) => [r.id, r]));
      // Another directory's id is "not found", as in the one-row read.
      return wanted.map(({ directoryId, id }) => {
        const row = byId.get(id);
        return row !== undefined && row.directory_id === directoryId ? toUser(row) : undefined;
      });
    },
    // Each row once per statement; a repeated id waits for the next.
    { key: (w) => w.id },
  );
  return { getUser: (directoryId, id) => read({ directoryId, id }) };
}

