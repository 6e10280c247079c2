// The JSON a receiver gets (and the events feed lists): snake_case, ISO timestamps, the sequence as
// a number so receivers can order events. Sequences stay far below 2^53.
import type { OutboxEventRecord } from '../store/webhook-data.js';

export interface EventBody {
  id: string;
  type: string;
  sequence: number;
  created_at: string;
  organization_id: string | null;
  directory_id?: string;
  data: Record<string, unknown>;
}

export function eventBody(event: OutboxEventRecord): EventBody {
  return {
    id: event.id,
    type: event.type,
    sequence: Number(event.sequence),
    created_at: event.occurredAt.toISOString(),
    organization_id: event.organizationId,
    ...(event.directoryId === null ? {} : { directory_id: event.directoryId }),
    data: event.data,
  };
}
