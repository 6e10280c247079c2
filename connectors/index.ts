// The registry of connector kinds: the one place a new kind is added. Only src/main.ts imports it
// and passes it down, so the core never names a connector.
import type { ConnectorRegistry } from '../src/sso/connector.js';
import { mockConnectorType } from './mock/index.js';
import { oidcConnectorType } from './oidc/index.js';
import { samlConnectorType } from './saml/index.js';

export { idpPresets } from './presets/index.js';

export const connectorTypes = { saml: samlConnectorType, oidc: oidcConnectorType, mock: mockConnectorType } satisfies ConnectorRegistry;
