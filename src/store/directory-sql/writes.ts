// Writes of directory contents inside one transaction (a checked-out client between BEGIN and
// COMMIT): groups, memberships, user deletion (a user's create and update are single statements
// of their own, see user-writes.ts). Member changes are set operations in SQL: one statement per
// PATCH operation, whatever the number of members, and never a read of the whole member list.
import type pg from 'pg';
import type { DirectoryWrites } from '../directory-data.js';
import { newId } from '../ids.js';
import { OUTBOX_LOCK_SQL } from '../outbox-order.js';
import { directoryReads, toMember } from './reads.js';
import { GROUP_COLUMNS, rows, toGroup, toUser, USER_COLUMNS } from './rows.js';

type UserRow = Parameters<typeof toUser>[0];
type GroupRow = Parameters<typeof toGroup>[0];
type MemberRow = Parameters<typeof toMember>[0];

export function directoryWrites(client: pg.PoolClient, appended: () => void = () => {}): DirectoryWrites {
  const one = async <R>(text: string, values: unknown[]): Promise<R> => {
    const [row] = await rows<R>(client, text, values);
    if (row === undefined) throw new TypeError(`expected one row from: ${text.slice(0, 40)}`);
    return row;
  };
  return {
    ...directoryReads(client),

    async lockUser(directoryId, id) {
      const [row] = await rows<UserRow>(client, `SELECT ${USER_COLUMNS} FROM directory_users WHERE directory_id = $1 AND id = $2 FOR UPDATE`, [directoryId, id]);
      return row && toUser(row);
    },

    async deleteUser(id) {
      await client.query('DELETE FROM directory_users WHERE id = $1', [id]);
    },

    async lockGroup(directoryId, id) {
      const [row] = await rows<GroupRow>(client, `SELECT ${GROUP_COLUMNS} FROM directory_groups WHERE directory_id = $1 AND id = $2 FOR UPDATE`, [directoryId, id]);
      return row && toGroup(row);
    },

    insertGroup: async (directoryId, id, f, resource, at) =>
      toGroup(
        await one<GroupRow>(
          `INSERT INTO directory_groups (id, directory_id, display_name_key, external_id, resource, version, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING ${GROUP_COLUMNS}`,
          [id, directoryId, f.displayNameKey, f.externalId, JSON.stringify(resource), at],
        ),
      ),

    async updateGroup(id, change, at) {
      if (change === undefined) {
        return toGroup(await one<GroupRow>(`UPDATE directory_groups SET version = version + 1, updated_at = $2 WHERE id = $1 RETURNING ${GROUP_COLUMNS}`, [id, at]));
      }
      const { fields: f, resource } = change;
      return toGroup(
        await one<GroupRow>(
          `UPDATE directory_groups SET display_name_key = $2, external_id = $3, resource = $4, version = version + 1, updated_at = $5
            WHERE id = $1 RETURNING ${GROUP_COLUMNS}`,
          [id, f.displayNameKey, f.externalId, JSON.stringify(resource), at],
        ),
      );
    },

    async deleteGroup(id) {
      await client.query('DELETE FROM directory_groups WHERE id = $1', [id]);
    },

    async addMembers(directoryId, groupId, userIds, at) {
      if (userIds.length === 0) return { added: [], missing: [] };
      const found = await rows<MemberRow & { inserted: boolean }>(
        client,
        `WITH wanted AS (SELECT DISTINCT unnest($3::text[]) AS id),
              known AS (SELECT u.id, u.resource->>'userName' AS user_name, u.primary_email FROM directory_users u JOIN wanted w ON w.id = u.id WHERE u.directory_id = $1),
              ins AS (INSERT INTO directory_memberships (group_id, user_id, directory_id, created_at)
                      SELECT $2, k.id, $1, $4 FROM known k ORDER BY k.id ON CONFLICT DO NOTHING RETURNING user_id)
         SELECT k.id AS user_id, k.user_name, k.primary_email AS email, (ins.user_id IS NOT NULL) AS inserted
           FROM known k LEFT JOIN ins ON ins.user_id = k.id ORDER BY k.id`,
        [directoryId, groupId, userIds, at],
      );
      const known = new Set(found.map((r) => r.user_id));
      return { added: found.filter((r) => r.inserted).map(toMember), missing: [...new Set(userIds)].filter((id) => !known.has(id)) };
    },

    async removeMembers(groupId, which) {
      const filter = which === 'all' ? '' : 'only' in which ? 'AND m.user_id = ANY($2::text[])' : 'AND m.user_id <> ALL($2::text[])';
      const removed = await rows<MemberRow>(
        client,
        `WITH del AS (DELETE FROM directory_memberships m WHERE m.group_id = $1 ${filter} RETURNING m.user_id)
         SELECT del.user_id, u.resource->>'userName' AS user_name, u.primary_email AS email FROM del JOIN directory_users u ON u.id = del.user_id ORDER BY del.user_id`,
        which === 'all' ? [groupId] : [groupId, 'only' in which ? which.only : which.except],
      );
      return removed.map(toMember);
    },

    async revokeSessionsOf(userId) {
      const result = await client.query('DELETE FROM oidc_payloads WHERE account_id IN (SELECT id FROM profiles WHERE directory_user_id = $1)', [userId]);
      return result.rowCount ?? 0;
    },

    async appendEvents(events) {
      if (events.length === 0) return;
      await client.query(OUTBOX_LOCK_SQL);
      appended();
      await client.query(
        `INSERT INTO outbox_events (id, type, organization_id, directory_id, data, created_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[])`,
        [events.map((e) => e.id), events.map((e) => e.type), events.map((e) => e.organizationId), events.map((e) => e.directoryId),
          events.map((e) => JSON.stringify(e.data)), events.map((e) => e.occurredAt)],
      );
    },

    async appendAudit(entries) {
      if (entries.length === 0) return;
      const col = <K extends keyof (typeof entries)[number]>(k: K) => entries.map((e) => e[k] ?? null);
      await client.query(
        `INSERT INTO audit_logs (id, occurred_at, actor_type, actor_id, actor_name, action, target_type, target_id, organization_id, ip, user_agent, request_id, outcome, metadata)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::jsonb[])`,
        [entries.map(() => newId('audit')), entries.map((e) => e.occurredAt ?? new Date()), col('actorType'), col('actorId'), col('actorName'), col('action'),
          col('targetType'), col('targetId'), col('organizationId'), col('ip'), col('userAgent'), col('requestId'), col('outcome'),
          entries.map((e) => JSON.stringify(e.metadata))],
      );
    },
  };
}
