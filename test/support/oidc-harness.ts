// A Gatehouse behind a real HTTP server (PUBLIC_URL is its own address, so upstream IdPs can
// redirect back to it), with a product application as the RP, for tests that sign in through
// upstream OIDC connections: product authorize -> Gatehouse -> upstream -> /oidc/callback.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import request from 'supertest';
import { connectorTypes, idpPresets } from '../../connectors/index.js';
import { cliContext } from '../../src/admin/context.js';
import { buildSso } from '../../src/cli/sso.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import { createSecretBox } from '../../src/store/encryption.js';
import { Browser } from './browser.js';
import { bearer, startTestGateway, type TestGateway } from './gateway.js';
import type { UpstreamIdp } from './oidc-upstream.js';

export const PRODUCT_REDIRECT = 'http://localhost:4000/callback';

export interface OidcHarness {
  gw: TestGateway;
  /** Gatehouse's public URL. */
  url: string;
  callbackUrl: string;
  app: ReturnType<typeof createApp>;
  orgId: string;
  /** POST /api/v1/organizations/:org/connections with the root key. */
  createConnection(body: Record<string, unknown>): Promise<request.Response>;
  /** Product authorize -> Gatehouse -> upstream login -> the /oidc/callback URL (not yet fetched). */
  toCallback(connectionId: string, upstream: UpstreamIdp): Promise<{ browser: Browser; callback: URL; verifier: string; state: string }>;
  /** Follows the callback back to the product and redeems the code: Gatehouse's ID token claims. */
  complete(flow: { browser: Browser; callback: URL; verifier: string; state: string }): Promise<Record<string, unknown>>;
  lastFailure(connectionId: string): Promise<Record<string, unknown> | undefined>;
  close(): Promise<void>;
}

export async function startOidcHarness(label: string, domains: string[]): Promise<OidcHarness> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gw = await startTestGateway(label, { PUBLIC_URL: url, GATEHOUSE_ALLOW_INSECURE_OUTBOUND: 'true' });
  const logger = createLogger('silent');
  const sso = await buildSso({ config: gw.config, logger, store: gw.store, applications: gw.services.applications, registry: connectorTypes, presets: idpPresets, secretBox: createSecretBox(gw.config.security.encryptionKey!), encryptionKey: gw.config.security.encryptionKey! });
  const app = createApp({ config: gw.config, logger, services: gw.services, readiness: [], openIdProvider: sso.oidc.handler, routers: sso.routers });
  server.on('request', app);
  const orgId = (await gw.services.organizations.create(cliContext(), { name: `Acme ${label}`, domains })).id;
  const product = await gw.services.applications.create(cliContext(), { name: 'Product', redirect_uris: [PRODUCT_REDIRECT] });
  const rp = await oidc.discovery(new URL(url), product.application.clientId, product.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });

  return {
    gw,
    url,
    callbackUrl: `${url}/oidc/callback`,
    app,
    orgId,
    createConnection: (body) => request(app).post(`/api/v1/organizations/${orgId}/connections`).set(bearer(gw.rootKey)).send(body),
    async toCallback(connectionId, upstream) {
      const browser = new Browser();
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const start = oidc.buildAuthorizationUrl(rp, { redirect_uri: PRODUCT_REDIRECT, scope: 'openid email profile groups', state, connection: connectionId, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const atUpstream = await browser.follow(start.href, (u) => u.origin === new URL(upstream.issuer).origin);
      const authorize = atUpstream.url;
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      assert.ok(authorize.searchParams.get('nonce'), 'nonce sent');
      // The upstream gets a browser of its own: the test's cookie jar ignores hosts, and both
      // providers name their cookies alike.
      const callback = await upstream.login(authorize.href);
      return { browser, callback, verifier, state };
    },
    async complete({ browser, callback, verifier, state }) {
      const back = await browser.follow(callback.href, (u) => u.href.startsWith(PRODUCT_REDIRECT));
      assert.ok(back.url.href.startsWith(PRODUCT_REDIRECT), `ended at ${back.url.href} (${back.response.status}): ${(await back.response.text()).slice(0, 300)}`);
      const tokens = await oidc.authorizationCodeGrant(rp, back.url, { pkceCodeVerifier: verifier, expectedState: state });
      return tokens.claims() as Record<string, unknown>;
    },
    async lastFailure(connectionId) {
      const page = await gw.services.auditLogs.list(cliContext(), { limit: 200, organizationId: orgId });
      return page.data.filter((e) => e.action === 'login.failed' && e.targetId === connectionId).at(-1)?.metadata as Record<string, unknown> | undefined;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await gw.close();
    },
  };
}
