// A delivery's life in SQL: claimed under a lease (one statement that also loads what to send),
// finished with its attempt recorded (one statement), and found again by the sweep when a queue
// lost it. The endpoint row is written only when its failing streak starts or ends, so a busy
// endpoint's deliveries do not all contend for one row.
import type pg from 'pg';
import type { ClaimedDelivery, DeliveryEngineStore, HandOff } from '../webhook-data.js';

interface ClaimRow {
  id: string;
  attempts: number;
  created_at: Date;
  endpoint_id: string;
  endpoint_organization_id: string | null;
  url: string;
  enabled: boolean;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  sequence: string;
  event_id: string;
  type: string;
  organization_id: string | null;
  directory_id: string | null;
  data: Record<string, unknown>;
  occurred_at: Date;
}

/** A job scheduled for its exact due time may fire a moment early on another machine's clock. */
const EARLY_TOLERANCE = "interval '2 seconds'";

const CLAIM = `
  WITH c AS (
    UPDATE webhook_deliveries SET lease_until = $2, attempts = attempts + 1, updated_at = $3
    WHERE id = ANY($1::text[]) AND status = 'pending' AND next_attempt_at <= $3::timestamptz + ${EARLY_TOLERANCE} AND (lease_until IS NULL OR lease_until < $3)
    RETURNING id, attempts, created_at, endpoint_id, event_sequence)
  SELECT c.id, c.attempts, c.created_at, c.endpoint_id, e.organization_id AS endpoint_organization_id, e.url, e.enabled, e.secret_sealed,
         e.previous_secret_sealed, e.previous_secret_expires_at, e.failing_since, o.sequence, o.id AS event_id, o.type, o.organization_id,
         o.directory_id, o.data, o.created_at AS occurred_at
  FROM c JOIN webhook_endpoints e ON e.id = c.endpoint_id JOIN outbox_events o ON o.sequence = c.event_sequence`;

const FINISH = `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[], $5::text[], $6::text[], $7::timestamptz[], $8::text[])
      AS t(id, at, status_code, latency_ms, error, status, next_at, endpoint_id)),
  -- Only for deliveries still there: one removed meanwhile (its endpoint deleted) has no log to write to.
  a AS (INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, latency_ms, error)
        SELECT i.id, i.at, i.status_code, i.latency_ms, i.error FROM input i WHERE EXISTS (SELECT 1 FROM webhook_deliveries w WHERE w.id = i.id)),
  d AS (
    UPDATE webhook_deliveries w SET status = i.status, next_attempt_at = COALESCE(i.next_at, w.next_attempt_at), lease_until = NULL, handed_off_at = NULL,
      last_status_code = i.status_code, last_error = i.error, last_latency_ms = i.latency_ms,
      delivered_at = CASE WHEN i.status = 'succeeded' THEN i.at ELSE w.delivered_at END, updated_at = i.at
    FROM input i WHERE w.id = i.id),
  streak AS (
    SELECT endpoint_id, bool_or(status = 'succeeded') AS succeeded, min(at) AS first_at FROM input GROUP BY endpoint_id)
  UPDATE webhook_endpoints e SET failing_since = CASE WHEN s.succeeded THEN NULL ELSE s.first_at END
  FROM streak s
  WHERE e.id = s.endpoint_id AND (CASE WHEN s.succeeded THEN e.failing_since IS NOT NULL ELSE e.failing_since IS NULL END)`;

function toClaimed(row: ClaimRow): ClaimedDelivery {
  return {
    id: row.id,
    attempts: row.attempts,
    createdAt: row.created_at,
    endpoint: {
      id: row.endpoint_id,
      organizationId: row.endpoint_organization_id,
      url: row.url,
      enabled: row.enabled,
      secretSealed: row.secret_sealed,
      previousSecretSealed: row.previous_secret_sealed,
      previousSecretExpiresAt: row.previous_secret_expires_at,
      failingSince: row.failing_since,
    },
    event: { id: row.event_id, sequence: BigInt(row.sequence), type: row.type, organizationId: row.organization_id, directoryId: row.directory_id, occurredAt: row.occurred_at, data: row.data },
  };
}

/** Takes pending, due, unleased deliveries matching `condition` and marks them handed off at $1. */
function takeForHandOff(pool: pg.Pool, condition: string) {
  return async (now: Date, limit: number, threshold: Date = now): Promise<HandOff[]> => {
    const { rows } = await pool.query<{ id: string; attempts: number; next_attempt_at: Date }>(
      `UPDATE webhook_deliveries d SET handed_off_at = $1 FROM (
         SELECT id FROM webhook_deliveries WHERE status = 'pending' AND (lease_until IS NULL OR lease_until < $1) AND ${condition}
         ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) s
       WHERE d.id = s.id RETURNING d.id, d.attempts, d.next_attempt_at`,
      [now, limit, threshold],
    );
    return rows.map((r) => ({ id: r.id, attempts: r.attempts, nextAttemptAt: r.next_attempt_at }));
  };
}

export function deliveryBookkeeping(pool: pg.Pool): Omit<DeliveryEngineStore, 'fanOut'> {
  const unhanded = takeForHandOff(pool, 'handed_off_at IS NULL AND next_attempt_at <= $1 AND $3::timestamptz IS NOT NULL');
  const stale = takeForHandOff(pool, 'next_attempt_at <= $3 AND (handed_off_at IS NULL OR handed_off_at < $3)');
  const count = async (text: string, values: unknown[] = []) => Number((await pool.query<{ n: string }>(text, values)).rows[0]?.n ?? 0);
  return {
    async markHandedOff(ids, at) {
      if (ids.length > 0) await pool.query(`UPDATE webhook_deliveries SET handed_off_at = $2 WHERE id = ANY($1::text[])`, [ids, at]);
    },
    async claim(ids, leaseMs, now) {
      if (ids.length === 0) return [];
      const { rows } = await pool.query<ClaimRow>(CLAIM, [ids, new Date(now.getTime() + leaseMs), now]);
      return rows.map(toClaimed);
    },
    async finish(outcomes) {
      if (outcomes.length === 0) return;
      const col = <T>(pick: (o: (typeof outcomes)[number]) => T) => outcomes.map(pick);
      await pool.query(FINISH, [
        col((o) => o.id), col((o) => o.outcome.at), col((o) => o.outcome.statusCode), col((o) => Math.round(o.outcome.latencyMs)), col((o) => o.outcome.error),
        col((o) => (o.outcome.result === 'retry' ? 'pending' : o.outcome.result)), col((o) => o.outcome.nextAttemptAt ?? null), col((o) => o.endpointId),
      ]);
    },
    async abandon(id, reason, at) {
      await pool.query(`UPDATE webhook_deliveries SET status = 'failed', last_error = $2, lease_until = NULL, updated_at = $3 WHERE id = $1 AND status = 'pending'`, [id, reason, at]);
    },
    unhanded: (now, limit) => unhanded(now, limit),
    reclaimStale: (graceMs, now, limit) => stale(now, limit, new Date(now.getTime() - graceMs)),
    async stats(now) {
      const [pending, due, failed, unfannedEvents] = await Promise.all([
        count(`SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'pending'`),
        count(`SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1`, [now]),
        count(`SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'failed'`),
        count(`SELECT count(*) AS n FROM outbox_events WHERE fanned_out_at IS NULL`),
      ]);
      return { pending, due, failed, unfannedEvents };
    },
  };
}
