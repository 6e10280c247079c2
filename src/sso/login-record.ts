// What a sign-in leaves on record: its audit entry and, for a known connection, the
// sso.login.succeeded|failed event (delivered only to endpoints that name login events).
import { auditEntry } from '../admin/audit.js';
import { systemContext } from '../admin/context.js';
import { newId } from '../store/ids.js';
import type { ProfileRecord } from '../store/records.js';

export type LoginEventProfile = Pick<ProfileRecord, 'id' | 'email' | 'idpId' | 'firstName' | 'lastName' | 'directoryUserId'>;
export type LoginRecord = ReturnType<typeof loginRecordOf>;

/** A sign-in's audit entry and, for a known connection, its sso.login.succeeded|failed event. */
export function loginRecordOf(connection: { id: string | null; organizationId: string | null }, outcome: 'success' | 'failure', metadata: Record<string, unknown>, profile?: LoginEventProfile) {
  const what = { action: outcome === 'success' ? 'login.succeeded' : 'login.failed', targetType: 'connection', targetId: connection.id, organizationId: connection.organizationId };
  const ctx = systemContext('login');
  const actor = profile ? { ...ctx, actor: { ...ctx.actor, type: 'user' as const, id: profile.id, name: null } } : ctx;
  const entry = auditEntry(actor, what, outcome, { metadata });
  const event = connection.id === null ? undefined : loginEvent(connection.id, connection.organizationId, outcome, metadata, profile);
  return { entry, event };
}

/** What a product learns of a sign-in: who, through which connection; for a failure only the reason's code (details stay in the audit log). */
function loginEvent(connectionId: string, organizationId: string | null, outcome: 'success' | 'failure', metadata: Record<string, unknown>, profile?: LoginEventProfile) {
  const data =
    outcome === 'success' && profile
      ? { connection_id: connectionId, profile: { id: profile.id, email: profile.email, idp_id: profile.idpId, first_name: profile.firstName, last_name: profile.lastName, directory_user_id: profile.directoryUserId } }
      : { connection_id: connectionId, reason: typeof metadata.reason === 'string' ? metadata.reason : 'unknown' };
  const type = outcome === 'success' ? 'sso.login.succeeded' : 'sso.login.failed';
  return { id: newId('evt'), type, organizationId, directoryId: null, occurredAt: new Date(), data };
}
