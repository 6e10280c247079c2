// oidc-provider's records on the hot path (a login reads and writes a dozen: interaction, session,
// grant, code, tokens) in plain SQL over the shared pool, a round trip each without Prisma's
// per-query cost, each a named prepared statement (prepared.ts). Same rows and semantics as
// repositories/oidc-payloads.ts, which keeps the rest.
import type pg from 'pg';
import type { OidcPayloadRepository } from './store.js';
import { prepared } from './prepared.js';

type Hot = Pick<OidcPayloadRepository, 'upsert' | 'find' | 'findByUid' | 'findByUserCode' | 'consume' | 'destroy' | 'revokeByGrantId'>;

interface Row {
  payload: Record<string, unknown>;
  consumed_at: Date | null;
}

const text = (value: unknown) => (typeof value === 'string' ? value : null);
const LIVE = '(expires_at IS NULL OR expires_at > $3)';

function unpack(row: Row | undefined): Record<string, unknown> | undefined {
  if (!row) return undefined;
  return row.consumed_at ? { ...row.payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : row.payload;
}

/**
 * `relaxed`: a pool with synchronous_commit off, for upserts only. Losing the last milliseconds of
 * them in a Postgres crash only ever takes access away (an interaction, session, grant, code or
 * token that is gone means signing in again); consumes and deletes, whose loss could bring back a
 * used code or a revoked session, stay fully durable on `pool`.
 */
export function oidcPayloadSql(pool: pg.Pool, relaxed: pg.Pool = pool): Hot {
  const one = async (where: string, values: unknown[]) =>
    unpack((await pool.query<Row>(prepared(`SELECT payload, consumed_at FROM oidc_payloads WHERE kind = $1 AND ${where} AND ${LIVE} LIMIT 1`, values))).rows[0]);
  return {
    async upsert(kind, id, payload, expiresAt) {
      await relaxed.query(
        prepared(
          `INSERT INTO oidc_payloads (kind, id, payload, grant_id, account_id, user_code, uid, expires_at) VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8)
           ON CONFLICT (kind, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, account_id = EXCLUDED.account_id,
             user_code = EXCLUDED.user_code, uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at`,
          [kind, id, JSON.stringify(payload), text(payload.grantId), text(payload.accountId), text(payload.userCode), text(payload.uid), expiresAt],
        ),
      );
    },
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
