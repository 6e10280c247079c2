// Turning an endpoint off: when its receiver answers 410 Gone, or has failed every attempt for
// longer than the configured window. The change, its audit entry and a `webhook_endpoint.disabled`
// event (for the product's other endpoints and the feed) commit together, once.
import { newId } from '../../store/ids.js';
import type { Store } from '../../store/store.js';

export type DisableReason = 'receiver_gone' | 'failing';

const MESSAGES: Record<DisableReason, string> = {
  receiver_gone: 'The receiver answered 410 Gone.',
  failing: 'Every delivery attempt failed for longer than the allowed window.',
};

/** Returns whether this call disabled it (false: it was already disabled or is gone). */
export async function disableEndpoint(store: Store, endpointId: string, reason: DisableReason, at: Date): Promise<boolean> {
  return store.transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoints.get(endpointId).catch(() => undefined);
    if (!endpoint || !endpoint.enabled) return false;
    await tx.webhookEndpoints.update(endpointId, { enabled: false, disabledReason: reason, disabledAt: at });
    await tx.auditLogs.append({
      occurredAt: at,
      actorType: 'system',
      actorId: null,
      actorName: 'webhook-delivery',
      action: 'webhook_endpoint.disabled',
      targetType: 'webhook_endpoint',
      targetId: endpointId,
      organizationId: endpoint.organizationId,
      ip: null,
      userAgent: null,
      requestId: null,
      outcome: 'success',
      metadata: { reason, failing_since: endpoint.failingSince?.toISOString() ?? null },
    });
    const data = { endpoint_id: endpointId, reason, message: MESSAGES[reason], failing_since: endpoint.failingSince?.toISOString() ?? null };
    await tx.outbox.append([{ id: newId('evt'), type: 'webhook_endpoint.disabled', organizationId: endpoint.organizationId, directoryId: null, occurredAt: at, data }]);
    return true;
  });
}
