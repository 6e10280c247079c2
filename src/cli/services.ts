// The admin services, wired to one store and one clock.
import { apiKeyService } from '../admin/api-keys.js';
import { applicationService } from '../admin/applications.js';
import { auditLogService } from '../admin/audit-logs.js';
import { organizationService } from '../admin/organizations.js';
import type { AdminServices } from '../http/routes/admin/index.js';
import type { Store } from '../store/store.js';

export function adminServices(store: Store, clock: () => Date = () => new Date()): AdminServices {
  return {
    organizations: organizationService(store),
    apiKeys: apiKeyService(store, clock),
    auditLogs: auditLogService(store),
    applications: applicationService(store, clock),
  };
}
