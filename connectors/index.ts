// The registry of connector kinds: the one place a new kind is added. Only src/main.ts imports it
// and passes it down, so the core never names a connector.
import type { ConnectorRegistry } from '../src/sso/connector.js';
import { mockConnectorType } from './mock/index.js';

export { idpPresets } from './presets/index.js';

// saml and oidc are added here when they land.
export const connectorTypes = { mock: mockConnectorType } satisfies ConnectorRegistry;
