// Reading the audit trail. An organization-scoped key reads only its organization's entries.
import type { AuditLogEntry, Page } from '../store/records.js';
import type { Store } from '../store/store.js';
import { narrowToOwn, type AdminContext } from './context.js';
import type { ListParams } from './list-params.js';
import { requireScope } from './scopes.js';

export function auditLogService(store: Store) {
  return {
    async list(ctx: AdminContext, params: ListParams & { organizationId?: string | undefined; newestFirst?: boolean | undefined }): Promise<Page<AuditLogEntry>> {
      requireScope(ctx.actor.scopes, 'audit_logs:read');
      return store.auditLogs.list({ ...params, organizationId: narrowToOwn(ctx, params.organizationId) });
    },
  };
}

export type AuditLogService = ReturnType<typeof auditLogService>;
