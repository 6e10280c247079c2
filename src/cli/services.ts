// The admin services, wired to one store, one secret box, the enabled connector types and a clock.
import { apiKeyService } from '../admin/api-keys.js';
import { applicationService } from '../admin/applications.js';
import { auditLogService } from '../admin/audit-logs.js';
import { connectionService } from '../admin/connections.js';
import { organizationService } from '../admin/organizations.js';
import { sessionService } from '../admin/sessions.js';
import type { AdminServices } from '../http/routes/admin/index.js';
import type { ConnectorRegistry, PresetRegistry } from '../sso/connector.js';
import type { SecretBox } from '../store/encryption.js';
import type { Store } from '../store/store.js';

export interface ServiceDeps {
  registry: ConnectorRegistry;
  presets: PresetRegistry;
  secretBox: SecretBox;
  clock?: () => Date;
}

export function adminServices(store: Store, deps: ServiceDeps): AdminServices {
  const clock = deps.clock ?? (() => new Date());
  return {
    organizations: organizationService(store),
    apiKeys: apiKeyService(store, clock),
    auditLogs: auditLogService(store),
    applications: applicationService(store, clock),
    connections: connectionService(store, deps.registry, deps.secretBox, deps.presets),
    sessions: sessionService(store, clock),
  };
}
