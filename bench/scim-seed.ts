// Large directories for the SCIM benchmark, written straight into Postgres (a 100k-user push over
// HTTP would take minutes and measure nothing new). Rows have the shape the SCIM service writes.
import pg from 'pg';

const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** Users `${prefix}<i>@bench.test` for i in [from, to); ids are well-formed and unique per `tag`. */
export async function seedUsers(db: pg.Client, directoryId: string, tag: string, from: number, to: number): Promise<void> {
  await db.query(
    `INSERT INTO directory_users (id, directory_id, user_name_key, external_id, display_name_key, primary_email, email_keys, active, resource, version, created_at, updated_at)
     SELECT 'dusr_0' || $2 || lpad(upper(to_hex(i)), 24, '0'), $1, 'u' || i || '@bench.test', 'ext-' || i, 'user ' || i, 'u' || i || '@bench.test',
            ARRAY['u' || i || '@bench.test'], true,
            jsonb_build_object('schemas', jsonb_build_array($5::text), 'userName', 'u' || i || '@bench.test', 'externalId', 'ext-' || i,
                               'displayName', 'User ' || i, 'emails', jsonb_build_array(jsonb_build_object('value', 'u' || i || '@bench.test', 'primary', true)), 'active', true),
            1, now(), now()
       FROM generate_series($3::int, $4::int - 1) AS i`,
    [directoryId, tag, from, to, USER_URN],
  );
}

export const seededUserId = (tag: string, i: number) => `dusr_0${tag}${i.toString(16).toUpperCase().padStart(24, '0')}`;

/** A group holding seeded users [from, to). */
export async function seedGroup(db: pg.Client, directoryId: string, groupId: string, tag: string, from: number, to: number): Promise<void> {
  await db.query(
    `INSERT INTO directory_groups (id, directory_id, display_name_key, external_id, resource, version, created_at, updated_at)
     VALUES ($1, $2, 'big group', NULL, '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Big group"}', 1, now(), now())`,
    [groupId, directoryId],
  );
  await db.query(
    `INSERT INTO directory_memberships (group_id, user_id, directory_id, created_at)
     SELECT $1, 'dusr_0' || $3 || lpad(upper(to_hex(i)), 24, '0'), $2, now() FROM generate_series($4::int, $5::int - 1) AS i`,
    [groupId, directoryId, tag, from, to],
  );
  await vacuum(db);
}

/** What autovacuum would have done by the time a directory this size is read: the visibility map
 * lets counts run as index-only scans. */
export async function vacuum(db: pg.Client): Promise<void> {
  // directories too: seeding in SQL bumps its row count once per row (the counting triggers).
  await db.query('VACUUM (ANALYZE) directory_users, directory_groups, directory_memberships, directories');
}
