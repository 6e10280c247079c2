// IdP-initiated SAML, finished the OIDC way (third-party-initiated login): the ACS leaves a
// single-use ticket for the signed-in profile, bound to this browser by a cookie, and sends the
// browser to the application's initiate_login_uri. The product then makes its ordinary authorize
// call, and the interaction completes from the ticket without a second trip to the IdP.
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { UpstreamRejected } from '../../errors.js';
import { readCookie } from '../middleware/cookies.js';
import type { Application, ConnectionRecord, ProfileRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { INTERACTION_PATH } from '../../sso/provider/configuration.js';

export const IDP_INITIATED_COOKIE = 'gatehouse_idp_login';
/** Long enough for the product's redirect round trip, short enough to be useless if stolen later. */
const TICKET_TTL_MS = 5 * 60 * 1000;

const refuse = (detail: string) => new UpstreamRejected('This sign-in cannot continue: no application is set up for sign-ins started at the identity provider.', { code: 'idp_initiated_application_unset', detail });

async function landingApplication(store: Store, connection: ConnectionRecord, applicationId: string | undefined): Promise<Application> {
  if (applicationId !== undefined) {
    const app = await store.applications.get(applicationId).catch(() => undefined);
    if (!app || (app.organizationId !== null && app.organizationId !== connection.organizationId)) throw refuse(`application ${applicationId} is not reachable from the connection's organization`);
    if (!app.initiateLoginUri) throw refuse(`application ${applicationId} has no initiate_login_uri`);
    return app;
  }
  const page = await store.applications.list({ organizationId: connection.organizationId, limit: 100 });
  const candidates = page.data.filter((a) => a.initiateLoginUri);
  if (candidates.length !== 1) throw refuse(`${candidates.length} applications of the organization have an initiate_login_uri; set idp_initiated_application_id on the connection`);
  return candidates[0]!;
}

export function idpInitiatedLogins(store: Store, issuer: string, clock: () => Date) {
  const secure = issuer.startsWith('https://');
  return {
    async start(res: Response, connection: ConnectionRecord, profile: ProfileRecord, applicationId: string | undefined): Promise<void> {
      const app = await landingApplication(store, connection, applicationId);
      const id = randomBytes(32).toString('base64url');
      await store.idpInitiatedLogins.create({
        id,
        organizationId: connection.organizationId,
        connectionId: connection.id,
        profileId: profile.id,
        applicationId: app.id,
        expiresAt: new Date(clock().getTime() + TICKET_TTL_MS),
      });
      res.cookie(IDP_INITIATED_COOKIE, id, { httpOnly: true, secure, sameSite: 'lax', path: INTERACTION_PATH, maxAge: TICKET_TTL_MS });
      const target = new URL(app.initiateLoginUri!);
      target.searchParams.set('iss', issuer);
      if (profile.email) target.searchParams.set('login_hint', profile.email);
      res.redirect(303, target.href);
    },

    /** The pending IdP-initiated login for this browser, if it was meant for this client and organization. */
    async take(req: Request, res: Response, wanted: { clientId: string; organizationId: string | null }): Promise<{ profileId: string } | undefined> {
      const id = readCookie(req, IDP_INITIATED_COOKIE);
      if (!id) return undefined;
      res.clearCookie(IDP_INITIATED_COOKIE, { path: INTERACTION_PATH });
      const ticket = await store.idpInitiatedLogins.consume(id);
      if (!ticket || ticket.expiresAt <= clock()) return undefined;
      const app = await store.applications.get(ticket.applicationId).catch(() => undefined);
      if (!app || app.clientId !== wanted.clientId) return undefined;
      if (wanted.organizationId !== null && wanted.organizationId !== ticket.organizationId) return undefined;
      return { profileId: ticket.profileId };
    },
  };
}

export type IdpInitiatedLogins = ReturnType<typeof idpInitiatedLogins>;
