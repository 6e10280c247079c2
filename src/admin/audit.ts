// Every admin write leaves an audit entry. A successful change and its entry commit in the same
// transaction; a refused one is recorded afterwards with outcome "failure" and the error's code.
import { GatewayError } from '../errors.js';
import type { Repositories, Store } from '../store/store.js';
import type { AdminContext } from './context.js';

export interface AuditedAction {
  action: string;
  targetType: string;
  targetId?: string | null;
  organizationId?: string | null;
}

export interface AuditedResult<T> {
  value: T;
  /** Known only once the change ran (e.g. the id of what was created). */
  targetId?: string | null;
  organizationId?: string | null;
  metadata?: Record<string, unknown>;
}

export async function audited<T>(
  store: Store,
  ctx: AdminContext,
  what: AuditedAction,
  change: (tx: Repositories) => Promise<AuditedResult<T>>,
): Promise<T> {
  try {
    return await store.transaction(async (tx) => {
      const result = await change(tx);
      await tx.auditLogs.append(auditEntry(ctx, what, 'success', result));
      return result.value;
    });
  } catch (error) {
    if (error instanceof GatewayError) {
      await store.auditLogs.append(auditEntry(ctx, what, 'failure', { metadata: { error_code: error.code } }));
    }
    throw error;
  }
}

export function auditEntry(ctx: AdminContext, what: AuditedAction, outcome: 'success' | 'failure', result: Partial<AuditedResult<unknown>>) {
  return {
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    actorName: ctx.actor.name,
    action: what.action,
    targetType: what.targetType,
    targetId: result.targetId ?? what.targetId ?? null,
    organizationId: result.organizationId ?? what.organizationId ?? ctx.actor.organizationId,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
    outcome,
    metadata: result.metadata ?? {},
  };
}
