// The SAML SP endpoints of each connection: its metadata for the IdP, and the ACS the IdP posts
// the browser back to. An SP-initiated response completes the waiting interaction; an unsolicited
// one (where the connection allows it) goes on as an IdP-initiated login.
import express, { Router, type Request, type Response } from 'express';
import type Provider from 'oidc-provider';
import { InvalidRequest } from '../../errors.js';
import type { LoginBroker } from '../../sso/broker.js';
import type { IdpInitiatedLogins } from './idp-initiated.js';
import { completeInteraction, findInteraction } from './sso.js';
import { setupTestPath } from '../../admin/setup-links.js';

/** A 256 KiB response is ~350 KB of base64; form encoding of +, / and = can nearly triple that. */
const ACS_BODY_LIMIT = '1mb';
const CONNECTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

function connectionId(req: Request): string {
  const id = String(req.params.connectionId);
  if (!CONNECTION_ID.test(id)) throw new InvalidRequest('This is not a SAML connection address.', { code: 'invalid_connection_id' });
  return id;
}

const formFields = (body: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries((body ?? {}) as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));

export function samlRoutes(provider: Provider, broker: LoginBroker, idpInitiated: IdpInitiatedLogins): Router {
  const router = Router();

  router.get('/saml/:connectionId/metadata', async (req: Request, res: Response) => {
    const xml = await broker.samlMetadata(connectionId(req));
    res.type('application/samlmetadata+xml').set('cache-control', 'public, max-age=300').send(xml);
  });

  router.post('/saml/:connectionId/acs', express.urlencoded({ extended: false, limit: ACS_BODY_LIMIT, parameterLimit: 10 }), async (req: Request, res: Response) => {
    if (!req.is('application/x-www-form-urlencoded')) {
      throw new InvalidRequest('The identity provider must POST the SAML response as a form.', { code: 'unsupported_media_type', status: 415 });
    }
    const result = await broker.finishSaml(connectionId(req), formFields(req.body), (uid) => findInteraction(provider, uid));
    if (result.kind === 'setup_test') return void res.redirect(303, setupTestPath(result.test.id));
    if (result.kind === 'sp_initiated') return completeInteraction(provider, await result.interaction, result.profile.id, res, result.recorded);
    await idpInitiated.start(res, result.connection, result.profile, result.applicationId);
  });

  return router;
}
