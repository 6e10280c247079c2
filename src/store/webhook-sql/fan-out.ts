// Outbox rows -> deliveries, one transaction per batch. Rows are taken FOR UPDATE SKIP LOCKED, so
// relays on several nodes (each API node nudged by its own commits, each worker's sweep) split the
// backlog instead of queueing behind one another; the unique (endpoint, event) index makes a
// repeated fan-out impossible rather than merely unlikely.
import type pg from 'pg';
import { newId } from '../ids.js';
import { withTransaction } from '../pg-transaction.js';
import type { DeliveryEngineStore, EndpointSubscription, FanOutEvent, HandOff } from '../webhook-data.js';

interface EventRow {
  sequence: string;
  type: string;
  organization_id: string | null;
}

interface EndpointRow {
  id: string;
  organization_id: string | null;
  events: string[];
}

export function fanOut(pool: pg.Pool): DeliveryEngineStore['fanOut'] {
  return (limit, match, at) =>
    withTransaction(pool, async (client) => {
      const events = await client.query<EventRow>(
        `SELECT sequence, type, organization_id FROM outbox_events WHERE fanned_out_at IS NULL ORDER BY sequence LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (events.rows.length === 0) return { events: 0, deliveries: [] };
      const endpoints = await client.query<EndpointRow>(`SELECT id, organization_id, events FROM webhook_endpoints WHERE enabled`);
      const subscriptions: EndpointSubscription[] = endpoints.rows.map((e) => ({ id: e.id, organizationId: e.organization_id, events: e.events }));
      const pairs: Array<{ id: string; endpointId: string; sequence: string }> = [];
      for (const row of events.rows) {
        const event: FanOutEvent = { sequence: BigInt(row.sequence), type: row.type, organizationId: row.organization_id };
        for (const endpoint of subscriptions) if (match(endpoint, event)) pairs.push({ id: newId('msg'), endpointId: endpoint.id, sequence: row.sequence });
      }
      const deliveries: HandOff[] = [];
      if (pairs.length > 0) {
        const inserted = await client.query<{ id: string }>(
          `INSERT INTO webhook_deliveries (id, endpoint_id, event_sequence, next_attempt_at, handed_off_at, created_at, updated_at)
           SELECT d.id, d.endpoint_id, d.seq, $4, $4, $4, $4 FROM unnest($1::text[], $2::text[], $3::bigint[]) AS d(id, endpoint_id, seq)
           ON CONFLICT (endpoint_id, event_sequence) DO NOTHING RETURNING id`,
          [pairs.map((p) => p.id), pairs.map((p) => p.endpointId), pairs.map((p) => p.sequence), at],
        );
        for (const row of inserted.rows) deliveries.push({ id: row.id, attempts: 0, nextAttemptAt: at });
      }
      await client.query(`UPDATE outbox_events SET fanned_out_at = $2 WHERE sequence = ANY($1::bigint[])`, [events.rows.map((r) => r.sequence), at]);
      return { events: events.rows.length, deliveries };
    });
}
