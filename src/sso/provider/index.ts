// The product-facing OpenID Provider (oidc-provider, a certified implementation) built from the
// Store and mounted into express only on its own paths.
import type { NextFunction, Request, Response } from 'express';
import Provider, { type FindAccount } from 'oidc-provider';
import type { ApplicationService } from '../../admin/applications.js';
import type { Logger } from '../../logger.js';
import { createSecretBox } from '../../store/encryption.js';
import type { Store } from '../../store/store.js';
import { adapterFactory } from './adapter.js';
import { earlyReads } from './early-reads.js';
import { PROVIDER_ROUTES, providerConfiguration, type ProviderViews } from './configuration.js';
import { loadSigningKeys } from './signing-keys.js';

export interface OpenIdProviderDeps {
  issuer: string;
  store: Store;
  applications: ApplicationService;
  encryptionKey: Buffer;
  previousEncryptionKeys?: readonly Buffer[];
  trustProxy: boolean;
  logger: Logger;
  findAccount: FindAccount;
  views: ProviderViews;
  clock?: () => Date;
}

export interface OpenIdProvider {
  provider: Provider;
  /** Express middleware: handles the provider's paths, passes everything else on. */
  handler: (req: Request, res: Response, next: NextFunction) => void;
}

const OWN_PATHS: readonly string[] = ['/.well-known/openid-configuration', ...Object.values(PROVIDER_ROUTES)];

/** Its routes and their sub-paths (e.g. the logout confirmation) belong to the provider. */
export function isProviderPath(path: string): boolean {
  const clean = path.replace(/\/+$/, '') || '/';
  return OWN_PATHS.some((own) => clean === own || clean.startsWith(`${own}/`));
}

export async function createOpenIdProvider(deps: OpenIdProviderDeps): Promise<OpenIdProvider> {
  const clock = deps.clock ?? (() => new Date());
  const box = createSecretBox(deps.encryptionKey, deps.previousEncryptionKeys);
  const signingKeys = await loadSigningKeys(deps.store, box);
  // The resume of a completed login reads its client, account and grant at once (early-reads.ts).
  const reads = earlyReads();
  const provider = new Provider(
    deps.issuer,
    providerConfiguration({
      encryptionKey: deps.encryptionKey,
      signingKeys,
      findAccount: reads.findAccount(deps.findAccount),
      views: deps.views,
      adapter: adapterFactory(deps.store, clock, { reads, findAccount: deps.findAccount }),
    }),
  );
  provider.proxy = deps.trustProxy;
  // Client secrets are stored hashed: compare against the Application's secrets, not metadata.
  provider.Client.prototype.compareClientSecret = function compareClientSecret(this: { clientId: string }, actual: string) {
    return deps.applications.verifyClientSecret(this.clientId, actual);
  };
  provider.on('server_error', (_ctx, err) => deps.logger.error({ err }, 'openid provider error'));
  const callback = provider.callback();
  const handler = (req: Request, res: Response, next: NextFunction): void => {
    if (isProviderPath(req.path)) callback(req, res);
    else next();
  };
  return { provider, handler };
}
