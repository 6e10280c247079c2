// What every directory change carries along in its transaction (or its one statement): the
// lifecycle events it causes and the audit entry naming who did it (the directory's SCIM token)
// and what changed.
import { isDeepStrictEqual } from 'node:util';
import type { ChangeLog, DirectoryWrites, LifecycleEventInput } from '../store/directory-data.js';
import { newId } from '../store/ids.js';
import type { AuditLogInput } from '../store/store.js';
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

/** The audit entry and events of one change, as the store writes them with it. */
export function changeLog(actor: DirectoryActor, change: ChangeRecord, events: LifecycleEventInput[], at: Date): ChangeLog {
  const audit: AuditLogInput = {
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
  };
  return { audit, events };
}

/**
 * Writes the audit entry and the events of one change in the caller's transaction, events last:
 * appending takes the outbox lock (held until commit), so it must be the final statement.
 */
export async function recordChange(tx: DirectoryWrites, actor: DirectoryActor, change: ChangeRecord, events: LifecycleEventInput[], at: Date): Promise<void> {
  const log = changeLog(actor, change, events, at);
  await tx.appendAudit([log.audit]);
  await tx.appendEvents(log.events);
}

/**
 * Top-level attribute names whose values differ (for the audit trail). Key order does not count:
 * one side may be a resource as stored (JSONB orders keys its own way), the other one as sent.
 */
export function changedAttributes(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  // Most attributes are unchanged and compare equal as they are; only a difference is worth the copies.
  const differs = (k: string) => !isDeepStrictEqual(before[k], after[k]) && !isDeepStrictEqual(asJson(before[k]), asJson(after[k]));
  return [...keys].filter(differs).sort();
}

/** A value as JSON keeps it: undefined members dropped, -0 as 0 (what storing it does). */
export function asJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
