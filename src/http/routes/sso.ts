// The browser's side of SP-initiated login: the interaction oidc-provider opens is routed to a
// connection and sent to the IdP; the IdP's callback completes the interaction with a login and a
// grant, and oidc-provider issues the code to the product.
import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type Provider from 'oidc-provider';
import { InvalidRequest } from '../../errors.js';
import { OIDC_CALLBACK_PATH, type LoginBroker } from '../../sso/broker.js';
import { INTERACTION_PATH } from '../../sso/provider/configuration.js';
import { routeLogin } from '../../sso/routing.js';
import type { Store } from '../../store/store.js';
import { setupTestPath } from '../../admin/setup-links.js';
import type { IdpInitiatedLogins } from './idp-initiated.js';
import { askEmailPage, autoPostPage, chooseConnectionPage } from '../views/sso-pages.js';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 && value.length <= 512 ? value : undefined);

export function ssoRoutes(provider: Provider, broker: LoginBroker, store: Store, idpInitiated: IdpInitiatedLogins): Router {
  const router = Router();

  router.get(`${INTERACTION_PATH}/:uid`, async (req: Request, res: Response) => {
    const details = await provider.interactionDetails(req, res).catch((cause: unknown) => {
      throw new InvalidRequest('This sign-in session has expired or was started in another browser. Start again from the application.', {
        code: 'interaction_not_found',
        cause,
      });
    });
    if (details.uid !== req.params.uid) throw new InvalidRequest('This sign-in session does not match; start again.', { code: 'interaction_mismatch' });
    const params = details.params as Record<string, unknown>;
    const client = await provider.Client.find(String(params.client_id));
    const clientOrganization = (client?.metadata()['urn:gatehouse:organization_id'] as string | null | undefined) ?? null;
    const requestedOrganization = text(params.organization);
    // What the product asked for wins; the browser's answers (our chooser and email pages) only
    // fill in what it left open, and never leave the organization the product named.
    const hints = {
      connection: text(params.connection) ?? text(req.query.connection),
      organization: requestedOrganization,
      loginHint: text(params.login_hint) ?? text(req.query.login_hint),
      domainHint: text(params.domain_hint),
    };
    const onlyOrganization = clientOrganization ?? requestedOrganization ?? null;
    const pending = await idpInitiated.take(req, res, { clientId: String(params.client_id), organizationId: onlyOrganization });
    // `details` is the interaction itself, read moments ago: no second read.
    if (pending) return completeInteraction(provider, details, pending.profileId, res);
    const route = await routeLogin(store, hints, onlyOrganization);
    const here = `${INTERACTION_PATH}/${details.uid}`;
    if (route.kind === 'ask_email') return void res.type('html').send(askEmailPage(here));
    if (route.kind === 'choose') return void res.type('html').send(chooseConnectionPage(here, route.connections));
    const redirect = await broker.start(route.connection, details.uid, hints.loginHint);
    if (redirect.kind === 'redirect') return void res.redirect(303, redirect.url);
    res.type('html').send(autoPostPage(redirect.url, redirect.fields, res.locals.cspNonce as string | undefined));
  });

  router.get(OIDC_CALLBACK_PATH, async (req: Request, res: Response) => {
    const params = Object.fromEntries(Object.entries(req.query).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const result = await broker.finish(params);
    if (result.kind === 'setup_test') return void res.redirect(303, setupTestPath(result.test.id));
    await completeInteraction(provider, await findInteraction(provider, result.interactionUid), result.profile.id, res);
  });

  return router;
}

export type Interaction = InstanceType<Provider['Interaction']>;

/** The interaction a login completes, when it still exists: read early, so it overlaps the login's checks. */
export const findInteraction = (provider: Provider, uid: string): Promise<Interaction | undefined> => provider.Interaction.find(uid);

/**
 * Ends an interaction with a signed-in profile and a grant; oidc-provider then issues the code.
 * `interaction` may have been read before the login's checks ran, so its expiry is checked again here.
 * `before`: what must have committed before the browser moves on (the login's audit entry and event).
 */
export async function completeInteraction(provider: Provider, interaction: Interaction | undefined, accountId: string, res: Response, before?: Promise<void>): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  if (!interaction || interaction.exp <= now) throw new InvalidRequest('This sign-in session expired; start again from the application.', { code: 'interaction_expired' });
  const grant = new provider.Grant({ accountId, clientId: String(interaction.params.client_id) });
  grant.addOIDCScope(String(interaction.params.scope ?? 'openid'));
  // save() keeps an id already set, so the interaction can name the grant before either is stored
  // and both are written at once. The browser moves on only when both are (and `before` is).
  grant.jti = newGrantId();
  interaction.result = { login: { accountId }, consent: { grantId: grant.jti } };
  await Promise.all([grant.save(), interaction.save(interaction.exp - now), before]);
  res.redirect(303, interaction.returnTo);
}

/** As unguessable as the ids oidc-provider draws itself (256 bits, URL-safe). */
const newGrantId = () => randomBytes(32).toString('base64url');
