// The admin services, wired to one store, one secret box, the enabled connector types and a clock.
import { apiKeyService } from '../admin/api-keys.js';
import { applicationService } from '../admin/applications.js';
import { auditLogService } from '../admin/audit-logs.js';
import { connectionService } from '../admin/connections.js';
import { directoryService } from '../admin/directories.js';
import { eventFeedService } from '../admin/events.js';
import { organizationService } from '../admin/organizations.js';
import { sessionService } from '../admin/sessions.js';
import { setupLinkService } from '../admin/setup-links.js';
import { webhookEndpointService } from '../admin/webhook-endpoints.js';
import type { AdminServices } from '../http/routes/admin/index.js';
import type { ConnectorRegistry, GatewayDeps, PresetRegistry } from '../sso/connector.js';
import type { SecretBox } from '../store/encryption.js';
import type { Store } from '../store/store.js';

export interface ServiceDeps {
  registry: ConnectorRegistry;
  presets: PresetRegistry;
  secretBox: SecretBox;
  /** For connector kinds completing a config (SAML metadata URLs, SP keys). */
  gateway: GatewayDeps;
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES (config.webhooks.allowPrivateAddresses); absent = false. */
  webhooks?: { allowPrivateAddresses: boolean };
}

export function adminServices(store: Store, deps: ServiceDeps): AdminServices {
  const clock = deps.gateway.clock;
  return {
    organizations: organizationService(store),
    apiKeys: apiKeyService(store, clock),
    auditLogs: auditLogService(store),
    applications: applicationService(store, clock),
    connections: connectionService(store, deps),
    sessions: sessionService(store, clock),
    directories: directoryService(store, deps.gateway.publicUrl, clock),
    setupLinks: setupLinkService(store, deps.gateway.publicUrl, clock),
    webhookEndpoints: webhookEndpointService(store, {
      secretBox: deps.secretBox,
      clock,
      allowInsecureUrls: deps.gateway.allowInsecureOutbound,
      allowPrivateAddresses: deps.webhooks?.allowPrivateAddresses ?? false,
    }),
    events: eventFeedService(store),
  };
}
