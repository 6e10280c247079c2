// oidc-provider's records on the hot path (a login reads and writes a dozen: interaction, session,
// grant, code, tokens) in plain SQL over the shared pool, a round trip each without Prisma's
// per-query cost, each a named prepared statement (prepared.ts). Same rows and semantics as
// repositories/oidc-payloads.ts, which keeps the rest.
import type pg from 'pg';
import type { OidcPayloadRepository, OidcResumeRead } from './store.js';
import { APPLICATION_SELECT, toApplication, type ApplicationRow } from './login-sql.js';
import { prepared } from './prepared.js';
import { writeBatcher } from './write-batch.js';

type Hot = Pick<OidcPayloadRepository, 'upsert' | 'find' | 'findByUid' | 'findByUserCode' | 'consume' | 'destroy' | 'revokeByGrantId'>;

interface Row {
  payload: Record<string, unknown>;
  /** A string where the row came as JSON (row_to_json). */
  consumed_at: Date | string | null;
}

const text = (value: unknown) => (typeof value === 'string' ? value : null);
const LIVE = '(expires_at IS NULL OR expires_at > $3)';

function unpack(row: Row | undefined): Record<string, unknown> | undefined {
  if (!row) return undefined;
  return row.consumed_at ? { ...row.payload, consumed: Math.floor(new Date(row.consumed_at).getTime() / 1000) } : row.payload;
}

interface Upsert {
  kind: string;
  id: string;
  payload: Record<string, unknown>;
  expiresAt: Date | null;
}

// Many records in one statement (write-batch.ts); a record saved twice in one batch is stored as last saved.
const UPSERT_MANY = `
  INSERT INTO oidc_payloads (kind, id, payload, grant_id, account_id, user_code, uid, expires_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
  ON CONFLICT (kind, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, account_id = EXCLUDED.account_id,
    user_code = EXCLUDED.user_code, uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at`;

function upsertColumns(items: Upsert[]): unknown[][] {
  const last = [...new Map(items.map((u) => [`${u.kind}\u0000${u.id}`, u])).values()];
  const column = (f: (u: Upsert) => unknown) => last.map(f);
  return [
    column((u) => u.kind), column((u) => u.id), column((u) => JSON.stringify(u.payload)), column((u) => text(u.payload.grantId)),
    column((u) => text(u.payload.accountId)), column((u) => text(u.payload.userCode)), column((u) => text(u.payload.uid)), column((u) => u.expiresAt),
  ];
}

/**
 * `relaxed`: a pool with synchronous_commit off, for upserts only. Losing the last milliseconds of
 * them in a Postgres crash only ever takes access away (an interaction, session, grant, code or
 * token that is gone means signing in again); consumes and deletes, whose loss could bring back a
 * used code or a revoked session, stay fully durable on `pool`.
 */
export function oidcPayloadSql(pool: pg.Pool, relaxed: pg.Pool = pool): Hot {
  const upsert = writeBatcher((items: Upsert[]) => relaxed.query(prepared(UPSERT_MANY, upsertColumns(items))).then(() => undefined));
  const one = async (where: string, values: unknown[]) =>
    unpack((await pool.query<Row>(prepared(`SELECT payload, consumed_at FROM oidc_payloads WHERE kind = $1 AND ${where} AND ${LIVE} LIMIT 1`, values))).rows[0]);
  return {
    upsert: (kind, id, payload, expiresAt) => upsert({ kind, id, payload, expiresAt }),
    find: (kind, id, now) => one('id = $2', [kind, id, now]),
    findByUid: (kind, uid, now) => one('uid = $2', [kind, uid, now]),
    findByUserCode: (kind, userCode, now) => one('user_code = $2', [kind, userCode, now]),
    async consume(kind, id, at) {
      await pool.query(prepared('UPDATE oidc_payloads SET consumed_at = $3 WHERE kind = $1 AND id = $2', [kind, id, at]));
    },
    async destroy(kind, id) {
      await pool.query(prepared('DELETE FROM oidc_payloads WHERE kind = $1 AND id = $2', [kind, id]));
    },
    async revokeByGrantId(grantId) {
      await pool.query(prepared('DELETE FROM oidc_payloads WHERE grant_id = $1', [grantId]));
    },
  };
}

// The interaction, and the client and grant it names (the paths resumeIds in early-reads.ts reads),
// in one round trip instead of two: what a resume reads first, with the same liveness rules.
const RESUME_READ = `
  WITH i AS (SELECT payload, consumed_at FROM oidc_payloads WHERE kind = 'Interaction' AND id = $1 AND (expires_at IS NULL OR expires_at > $2))
  SELECT i.payload, i.consumed_at,
         (SELECT row_to_json(c) FROM (${APPLICATION_SELECT} WHERE a.client_id = i.payload->'params'->>'client_id') c) AS application,
         (SELECT row_to_json(g) FROM (SELECT payload, consumed_at FROM oidc_payloads
             WHERE kind = 'Grant' AND id = i.payload->'result'->'consent'->>'grantId' AND (expires_at IS NULL OR expires_at > $2)) g) AS grant
    FROM i`;

export function oidcResumeSql(pool: pg.Pool): OidcResumeRead {
  return {
    async read(interactionId, now) {
      const [row] = (await pool.query<Row & { application: ApplicationRow | null; grant: Row | null }>(prepared(RESUME_READ, [interactionId, now]))).rows;
      if (!row) return undefined;
      return { interaction: unpack(row)!, application: row.application ? toApplication(row.application) : undefined, grant: unpack(row.grant ?? undefined) };
    },
  };
}
