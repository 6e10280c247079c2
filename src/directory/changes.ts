// What every directory change carries along in its transaction: the lifecycle events it causes
// and the audit entry naming who did it (the directory's SCIM token) and what changed.
import type { DirectoryWrites, LifecycleEventInput } from '../store/directory-data.js';
import { newId } from '../store/ids.js';
import type { DirectoryScope } from './present.js';

/** Who is changing a directory: a SCIM client authenticated by one of the directory's tokens. */
export interface DirectoryActor extends DirectoryScope {
  tokenId: string;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export type DirectoryEventType =
  | 'directory.user.created'
  | 'directory.user.updated'
  | 'directory.user.deactivated'
  | 'directory.user.reactivated'
  | 'directory.user.deleted'
  | 'directory.group.created'
  | 'directory.group.updated'
  | 'directory.group.deleted'
  | 'directory.group.user_added'
  | 'directory.group.user_removed';

export function event(scope: DirectoryScope, type: DirectoryEventType, data: Record<string, unknown>, at: Date): LifecycleEventInput {
  return { id: newId('evt'), type, organizationId: scope.organizationId, directoryId: scope.directoryId, occurredAt: at, data };
}

export interface ChangeRecord {
  action: string;
  targetType: 'directory_user' | 'directory_group';
  targetId: string;
  /** Names of what changed, never values (they may be personal data or secrets). */
  metadata: Record<string, unknown>;
}

/**
 * Writes the audit entry and the events of one change in the caller's transaction, events last:
 * appending takes the outbox lock (held until commit), so it must be the final statement.
 */
export async function recordChange(tx: DirectoryWrites, actor: DirectoryActor, change: ChangeRecord, events: LifecycleEventInput[], at: Date): Promise<void> {
  await tx.appendAudit([
    {
      occurredAt: at,
      actorType: 'scim_token',
      actorId: actor.tokenId,
      actorName: null,
      action: change.action,
      targetType: change.targetType,
      targetId: change.targetId,
      organizationId: actor.organizationId,
      ip: actor.ip,
      userAgent: actor.userAgent,
      requestId: actor.requestId,
      outcome: 'success',
      metadata: { directory_id: actor.directoryId, events: events.map((e) => e.type), ...change.metadata },
    },
  ]);
  await tx.appendEvents(events);
}

/** Top-level attribute names whose values differ (for the audit trail). */
export function changedAttributes(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}
