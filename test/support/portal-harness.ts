// The setup portal served for real on a loopback port (PUBLIC_URL = that address, as a browser
// sees it), beside the signing test SAML IdP on another port: what the browser tests drive.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectorTypes, idpPresets } from '../../connectors/index.js';
import { setupPortalService } from '../../src/admin/setup-portal.js';
import { buildScim } from '../../src/cli/scim.js';
import { buildSso } from '../../src/cli/sso.js';
import { createApp } from '../../src/http/app.js';
import { setupPortalRoutes } from '../../src/http/routes/setup/index.js';
import { createLogger } from '../../src/logger.js';
import { createSecretBox } from '../../src/store/encryption.js';
import { startTestGateway, type TestGateway } from './gateway.js';
import { createTestSamlIdp, type TestSamlIdp } from './saml-idp/server.js';

export interface PortalHarness {
  gw: TestGateway;
  url: string;
  idp: TestSamlIdp;
  idpUrl: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startPortalHarness(label: string): Promise<PortalHarness> {
  const server = createServer();
  const url = await listen(server);
  // Loopback IdPs over http, as the services of a test gateway already allow.
  const gw = await startTestGateway(label, { PUBLIC_URL: url, GATEHOUSE_ALLOW_INSECURE_OUTBOUND: 'true' });
  const { config, store, services } = gw;
  const logger = createLogger('silent');
  const sso = await buildSso({ config, logger, store, applications: services.applications, registry: connectorTypes, presets: idpPresets, secretBox: createSecretBox(config.security.encryptionKey!), encryptionKey: config.security.encryptionKey! });
  const portal = setupPortalService({ store, connections: services.connections, directories: services.directories, presets: idpPresets });
  const setup = setupPortalRoutes({ links: services.setupLinks, portal, directories: services.directories, presets: idpPresets, broker: sso.broker, store, publicUrl: url });
  const app = createApp({ config, logger, services, readiness: [], openIdProvider: sso.oidc.handler, routers: [...sso.routers, setup], scim: buildScim(store, url, config.scim.tokenCacheMs) });
  server.on('request', app);
  const idp = createTestSamlIdp({
    entityId: 'https://idp.portal.test/metadata',
    user: { nameId: 'grace@acme.test', nameIdFormat: 'emailAddress', attributes: { email: 'grace@acme.test', firstName: 'Grace', lastName: 'Hopper', groups: ['eng'] } },
  });
  const idpServer = createServer(idp.app);
  const idpUrl = await listen(idpServer);
  return {
    gw,
    url,
    idp,
    idpUrl,
    async close() {
      for (const s of [server, idpServer]) {
        s.closeAllConnections();
        await new Promise((resolve) => s.close(resolve));
      }
      await gw.close();
    },
  };
}
