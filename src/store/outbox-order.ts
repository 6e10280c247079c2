// Sequence order must be commit order, or a feed reader who has seen sequence 12 could miss 11
// committing a moment later. Every transaction that appends to the outbox takes this lock right
// before its insert and holds it until it commits; appends therefore commit one at a time (they are
// the last statement of short transactions), and reads need no lock at all.
import { newId } from './ids.js';
import type { AuditLogInput } from './store.js';
import type { OutboxEventInput } from './webhook-data.js';

export const OUTBOX_LOCK_SQL = 'SELECT pg_advisory_xact_lock(1197568069)';

/** How many parameters `auditAndEventsCtes` reads (in the order of `auditAndEventsValues`). */
export const AUDIT_AND_EVENTS_PARAMS = 20;

export interface AuditAndEventsOptions {
  /**
   * A FROM list (our SQL, never input) naming the caller's own CTEs: nothing is written unless it
   * yields a row, and since the lock is taken per row of it, the caller's writes (and any row lock
   * they wait for) are done before the outbox lock is taken. Without it, both always write.
   */
  gate?: string;
  /** An SQL expression over the gate, merged into the audit entry's metadata. */
  metadata?: string;
  /** The audit entry's actor id as an SQL expression (our SQL) of its parameter's placeholder. */
  actorId?: (param: string) => string;
  /** An SQL expression over `e.data` (each event's data parameter) for what is stored. */
  eventData?: string;
}

/**
 * The CTEs `audit`, `outbox_lock` and `events` (to follow the caller's own CTEs after a comma) of a
 * single-statement change: one audit entry and its events, params from `$first` on. The statement
 * is its own transaction, so the lock is held from the outbox insert to that commit.
 */
export function auditAndEventsCtes(first: number, options: AuditAndEventsOptions = {}): string {
  const p = Array.from({ length: AUDIT_AND_EVENTS_PARAMS }, (_, i) => `$${first + i}`);
  const from = options.gate === undefined ? '' : ` FROM ${options.gate}`;
  const metadata = options.metadata === undefined ? `${p[13]}::jsonb` : `${p[13]}::jsonb || ${options.metadata}`;
  const texts = p.slice(2, 13).map((x) => `${x}::text`);
  if (options.actorId !== undefined) texts[1] = options.actorId(`${p[3]}::text`);
  const data = options.eventData ?? 'e.data';
  return `audit AS (
    INSERT INTO audit_logs (id, occurred_at, actor_type, actor_id, actor_name, action, target_type, target_id, organization_id, ip, user_agent, request_id, outcome, metadata)
    SELECT ${p[0]}::text, ${p[1]}::timestamptz, ${texts.join(', ')}, ${metadata}${from}),
  outbox_lock AS (${OUTBOX_LOCK_SQL}${from}),
  events AS (
    INSERT INTO outbox_events (id, type, organization_id, directory_id, data, created_at)
    SELECT e.id, e.type, e.organization_id, e.directory_id, ${data}, e.created_at
      FROM outbox_lock, unnest(${p[14]}::text[], ${p[15]}::text[], ${p[16]}::text[], ${p[17]}::text[], ${p[18]}::jsonb[], ${p[19]}::timestamptz[])
        AS e(id, type, organization_id, directory_id, data, created_at))`;
}

export function auditAndEventsValues(events: OutboxEventInput[], a: AuditLogInput): unknown[] {
  return [
    newId('audit'), a.occurredAt ?? new Date(), a.actorType, a.actorId, a.actorName, a.action, a.targetType, a.targetId, a.organizationId,
    a.ip, a.userAgent, a.requestId, a.outcome, JSON.stringify(a.metadata),
    events.map((e) => e.id), events.map((e) => e.type), events.map((e) => e.organizationId), events.map((e) => e.directoryId),
    events.map((e) => JSON.stringify(e.data)), events.map((e) => e.occurredAt),
  ];
}

/** One audit entry and its events, nothing else: a sign-in's record in one statement. */
export const APPEND_WITH_AUDIT = `WITH ${auditAndEventsCtes(1)} SELECT 1`;

/** The columns of an audit entry as `auditAndEventsJson` writes it, for `jsonb_to_record(...) AS a(...)`. */
const AUDIT_RECORD = `id text, occurred_at timestamptz, actor_type text, actor_id text, actor_name text, action text, target_type text,
  target_id text, organization_id text, ip text, user_agent text, request_id text, outcome text, metadata jsonb`;
/** The columns of an event as `auditAndEventsJson` writes it, for `jsonb_to_recordset(...) AS (...)`. */
const EVENT_RECORD = 'id text, type text, organization_id text, directory_id text, data jsonb, created_at timestamptz';

/**
 * One change's audit entry and events as JSON values, for statements that write several changes
 * at once (one parameter for all of them instead of twenty per change).
 */
export function auditAndEventsJson(events: OutboxEventInput[], a: AuditLogInput) {
  const audit = {
    id: newId('audit'), occurred_at: a.occurredAt ?? new Date(), actor_type: a.actorType, actor_id: a.actorId, actor_name: a.actorName,
    action: a.action, target_type: a.targetType, target_id: a.targetId, organization_id: a.organizationId, ip: a.ip,
    user_agent: a.userAgent, request_id: a.requestId, outcome: a.outcome, metadata: a.metadata,
  };
  const rows = events.map((e) => ({ id: e.id, type: e.type, organization_id: e.organizationId, directory_id: e.directoryId, data: e.data, created_at: e.occurredAt }));
  return { audit, events: rows };
}

/**
 * The CTEs `applied_count`, `audit`, `outbox_lock` and `events` of a statement writing several
 * changes, after the caller's CTE `applied` (columns `ord`, `audit`, `events` as
 * `auditAndEventsJson` made them, one row per change that took effect). The lock waits for a count
 * over all of `applied`, so every row lock the caller's writes take comes before it.
 * `metadata`: an SQL expression over `a` (a row of `applied`) merged into each audit entry's.
 */
export function appliedAuditAndEventsCtes(metadata = "'{}'::jsonb"): string {
  return `applied_count AS (SELECT count(*) AS n FROM applied),
  audit AS (
    INSERT INTO audit_logs (id, occurred_at, actor_type, actor_id, actor_name, action, target_type, target_id, organization_id, ip, user_agent, request_id, outcome, metadata)
    SELECT r.id, r.occurred_at, r.actor_type, r.actor_id, r.actor_name, r.action, r.target_type, r.target_id, r.organization_id, r.ip, r.user_agent,
           r.request_id, r.outcome, r.metadata || ${metadata}
      FROM applied a, jsonb_to_record(a.audit) AS r(${AUDIT_RECORD})),
  outbox_lock AS (${OUTBOX_LOCK_SQL} FROM applied_count WHERE applied_count.n > 0),
  events AS (
    INSERT INTO outbox_events (id, type, organization_id, directory_id, data, created_at)
    SELECT e.id, e.type, e.organization_id, e.directory_id, e.data, e.created_at
      FROM outbox_lock, applied a, ROWS FROM (jsonb_to_recordset(a.events) AS (${EVENT_RECORD})) WITH ORDINALITY AS e(id, type, organization_id, directory_id, data, created_at, n)
     ORDER BY a.ord, e.n)`;
}
