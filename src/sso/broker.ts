// The login state machine between the OpenID Provider and the connectors: start a trip to the
// IdP (a single-use LoginAttempt binds it to the interaction), then finish it: consume the
// attempt, let the connector check the response, map attributes, record the Profile and the login.
import { randomBytes } from 'node:crypto';
import { UpstreamRejected } from '../errors.js';
import type { ConnectionRecord, ProfileRecord } from '../store/records.js';
import type { Connector, LoginRedirect, Stash } from './connector.js';
import { samlAcsPath, samlLogin } from './saml-login.js';
import { signInCore, type BrokerDeps } from './sign-in.js';
import { recordTest, testInteraction, testLinkOf, type TestOutcome } from './test-login.js';

export { samlAcsPath, type SamlLoginResult } from './saml-login.js';
export type { BrokerDeps } from './sign-in.js';

export const OIDC_CALLBACK_PATH = '/oidc/callback';
export const LOGIN_ATTEMPT_TTL_MS = 10 * 60 * 1000;

export function loginBroker(deps: BrokerDeps) {
  const callbackUrl = `${deps.publicUrl}${OIDC_CALLBACK_PATH}`;

  const core = signInCore(deps);
  const { open, openOidc, signIn, auditedFor, requireActive, recordLogin } = core;
  const callbackFor = (connection: ConnectionRecord, connector: Connector) =>
    connector.protocol === 'saml' ? `${deps.publicUrl}${samlAcsPath(connection.id)}` : callbackUrl;

  async function start(connection: ConnectionRecord, interactionUid: string, loginHint: string | undefined): Promise<LoginRedirect> {
    const state = randomBytes(32).toString('base64url');
    const connector = open(connection);
    const request = await connector.createLoginRequest({ state, callbackUrl: callbackFor(connection, connector), loginHint });
    await deps.store.loginAttempts.create({
      id: state,
      organizationId: connection.organizationId,
      connectionId: connection.id,
      interactionUid,
      stash: request.stash as Record<string, unknown>,
      expiresAt: new Date(deps.clock().getTime() + LOGIN_ATTEMPT_TTL_MS),
    });
    return request.redirect;
  }

  return {
    ...samlLogin(deps, core),
    start,
    /** A test sign-in from the setup portal: the same trip, bound to the setup link instead of an interaction. */
    startTest: (connection: ConnectionRecord, setupLinkId: string) => start(connection, testInteraction(setupLinkId), undefined),

    /** Returns the interaction to resume and the signed-in profile. Every refusal is audited. */
    async finish(params: Record<string, string>): Promise<{ kind: 'login'; interactionUid: string; profile: ProfileRecord } | TestOutcome> {
      const attempt = params.state ? await deps.store.loginAttempts.consume(params.state) : undefined;
      if (!attempt) {
        // Replayed, forged or long-expired: no connection to attribute it to, but still on record.
        await recordLogin({ id: null, organizationId: null }, 'failure', { reason: 'login_attempt_not_found' });
        throw new UpstreamRejected('This sign-in link was already used or is unknown. Start the sign-in again.', { code: 'login_attempt_not_found' });
      }
      const connection = await deps.store.connections.get(attempt.connectionId);
      const testLink = testLinkOf(attempt);
      const check = (now: Date) => openOidc(connection).handleCallback({ stash: attempt.stash as Stash, params, callbackUrl, now });
      const expiry = (now: Date) => {
        if (attempt.expiresAt <= now) throw new UpstreamRejected('This sign-in took too long. Start it again.', { code: 'login_attempt_expired' });
      };
      if (testLink) return recordTest(deps, connection, testLink, async () => (expiry(deps.clock()), check(deps.clock())));
      return auditedFor(connection, async () => {
        const now = deps.clock();
        expiry(now);
        requireActive(connection);
        const identity = await check(now);
        return { kind: 'login' as const, interactionUid: attempt.interactionUid, profile: await signIn(connection, identity, now) };
      });
    },
  };
}

export type LoginBroker = ReturnType<typeof loginBroker>;
