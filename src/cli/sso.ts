// The sign-in side, wired: the OpenID Provider, the login broker and the browser routes.
import type { Router } from 'express';
import { Counter, Registry } from 'prom-client';
import type { ApplicationService } from '../admin/applications.js';
import type { Config } from '../config.js';
import { mockIdpRoutes, type MockIdpPages } from '../http/routes/mock-idp.js';
import { idpInitiatedLogins } from '../http/routes/idp-initiated.js';
import { samlRoutes } from '../http/routes/saml.js';
import { ssoRoutes } from '../http/routes/sso.js';
import { providerViews } from '../http/views/provider-pages.js';
import type { Logger } from '../logger.js';
import { createGuardedFetch } from '../outbound/guarded-fetch.js';
import { loginBroker, type LoginBroker } from '../sso/broker.js';
import type { ConnectorRegistry, ConnectorReport, OutboundFetch, PresetRegistry } from '../sso/connector.js';
import { findProfileAccount } from '../sso/provider/accounts.js';
import { createOpenIdProvider, type OpenIdProvider } from '../sso/provider/index.js';
import type { SecretBox } from '../store/encryption.js';
import type { Store } from '../store/store.js';

export interface SsoWiring {
  config: Config;
  logger: Logger;
  store: Store;
  applications: ApplicationService;
  registry: ConnectorRegistry;
  presets: PresetRegistry;
  secretBox: SecretBox;
  encryptionKey: Buffer;
  mockIdp?: MockIdpPages<any> | undefined;
  clock?: () => Date;
  /** Defaults to a guarded fetch under the configured policy. */
  outboundFetch?: OutboundFetch;
}

/** Logs what connectors report and counts it, on a registry the app's /metrics serves. */
function connectorReports(logger: Logger) {
  const metrics = new Registry();
  const disagreements = new Counter({ name: 'gatehouse_saml_verifier_disagreements_total', help: 'SAML responses on which the fast verifier and node-saml disagreed', registers: [metrics] });
  const report = (event: ConnectorReport) => {
    disagreements.inc();
    logger.warn({ event: event.event, fast: event.fast, reference: event.reference }, 'the SAML verifiers disagree; the stricter verdict was applied');
  };
  return { metrics, report };
}

export async function buildSso(w: SsoWiring): Promise<{ oidc: OpenIdProvider; routers: Router[]; metrics: Registry; broker: LoginBroker }> {
  const clock = w.clock ?? (() => new Date());
  const reports = connectorReports(w.logger);
  const oidc = await createOpenIdProvider({
    issuer: w.config.http.publicUrl,
    store: w.store,
    applications: w.applications,
    encryptionKey: w.encryptionKey,
    previousEncryptionKeys: w.config.security.previousEncryptionKeys,
    trustProxy: w.config.http.trustProxy,
    logger: w.logger,
    findAccount: findProfileAccount(w.store),
    views: providerViews,
    clock,
  });
  const broker = loginBroker({
    store: w.store,
    registry: w.registry,
    presets: w.presets,
    secretBox: w.secretBox,
    publicUrl: w.config.http.publicUrl,
    allowInsecureOutbound: w.config.security.allowInsecureOutbound,
    outboundFetch: w.outboundFetch ?? createGuardedFetch({ allowInsecure: w.config.security.allowInsecureOutbound }),
    report: reports.report,
    clock,
  });
  const idpInitiated = idpInitiatedLogins(w.store, w.config.http.publicUrl, clock);
  const routers = [ssoRoutes(oidc.provider, broker, w.store, idpInitiated), samlRoutes(oidc.provider, broker, idpInitiated)];
  if (w.mockIdp && w.registry[w.mockIdp.type.type]) routers.push(mockIdpRoutes(w.mockIdp, w.store, w.secretBox, clock));
  return { oidc, routers, metrics: reports.metrics, broker };
}
