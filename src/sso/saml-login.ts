// The SAML side of the broker: a POST to a connection's ACS becomes a signed-in profile, either
// completing the waiting interaction (SP-initiated) or starting an IdP-initiated login; a test
// sign-in from the setup portal runs the same checks and only records what came of them.
import { NotFound, UpstreamRejected } from '../errors.js';
import type { AssertionUse } from '../store/store.js';
import type { ConnectionRecord, LoginAttemptRecord, ProfileRecord } from '../store/records.js';
import type { Stash, UpstreamIdentity } from './connector.js';
import { replayRefused, type BrokerDeps, type SignInCore } from './sign-in.js';
import { recordTest, testLinkOf, type TestOutcome } from './test-login.js';

export const samlAcsPath = (connectionId: string) => `/saml/${encodeURIComponent(connectionId)}/acs`;

/** `I`: the interaction an SP-initiated login completes, as the caller's loader reads it. */
export type SamlLoginResult<I = unknown> =
  | TestOutcome
  | { kind: 'sp_initiated'; interactionUid: string; interaction: Promise<I>; profile: ProfileRecord; recorded: Promise<void> }
  | { kind: 'idp_initiated'; connection: ConnectionRecord; profile: ProfileRecord; applicationId: string | undefined };

export function samlLogin(deps: BrokerDeps, core: SignInCore) {
  const { openSaml, signInDeferred, auditedFor, requireActive } = core;

  /** Every check of a response bar the connection's status (a draft is tested before it goes live). */
  async function checkResponse(connection: ConnectionRecord, attempt: LoginAttemptRecord | undefined, params: Record<string, string>, now: Date) {
    if (attempt && attempt.connectionId !== connection.id) {
      throw new UpstreamRejected('This sign-in response was sent to the wrong connection. Start the sign-in again.', {
        code: 'saml_connection_mismatch',
        detail: `attempt belongs to ${attempt.connectionId}, response posted to ${connection.id}`,
      });
    }
    if (attempt && attempt.expiresAt <= now) throw new UpstreamRejected('This sign-in took too long. Start it again.', { code: 'login_attempt_expired' });
    const connector = openSaml(connection);
    if (!attempt && !connector.idpInitiated.allowed) {
      throw new UpstreamRejected('This connection accepts only sign-ins started from the application.', {
        code: 'saml_unsolicited_response',
        detail: params.RelayState ? 'RelayState names no pending login attempt' : 'no RelayState and IdP-initiated login is off',
      });
    }
    const acsUrl = `${deps.publicUrl}${samlAcsPath(connection.id)}`;
    const verdict = await connector.handleResponse({ stash: attempt?.stash as Stash | undefined, params, callbackUrl: acsUrl, now });
    // Not yet on record: a sign-in records the use together with the profile (signInDeferred).
    const use = { assertionId: verdict.assertionId, expiresAt: verdict.replayableUntil };
    return { identity: verdict.identity as UpstreamIdentity, applicationId: connector.idpInitiated.applicationId, use };
  }

  /** A response is accepted once, on any node: the first use is kept until it could no longer be replayed. */
  async function requireFirstUse(connection: ConnectionRecord, use: AssertionUse) {
    if (!(await deps.store.samlAssertions.recordUse(connection.id, use.assertionId, use.expiresAt))) throw replayRefused(use.assertionId);
  }

  return {
    /**
     * A POST to a connection's ACS. RelayState is only ever an attempt id: when it names one, the
     * response must answer that attempt's AuthnRequest on this very connection; when it names none,
     * the response is unsolicited and accepted only where the connection allows IdP-initiated login.
     * `interactionOf` reads the interaction an attempt completes: started as soon as the attempt is
     * known, so the read overlaps the checks; whoever completes it still refuses one gone or expired.
     */
    async finishSaml<I>(connectionId: string, params: Record<string, string>, interactionOf: (uid: string) => Promise<I>): Promise<SamlLoginResult<I>> {
      // Independent reads: one round trip of latency instead of two.
      const [connection, attempt] = await Promise.all([
        deps.store.connections.get(connectionId),
        params.RelayState ? deps.store.loginAttempts.consume(params.RelayState) : undefined,
      ]);
      const testLink = testLinkOf(attempt);
      if (attempt && testLink) {
        return recordTest(deps, connection, testLink, async () => {
          const checked = await checkResponse(connection, attempt, params, deps.clock());
          await requireFirstUse(connection, checked.use);
          return checked.identity;
        });
      }
      const interaction = attempt ? interactionOf(attempt.interactionUid) : undefined;
      // Unobserved when the login is refused before it is needed.
      interaction?.catch(() => undefined);
      return auditedFor(connection, async () => {
        const now = deps.clock();
        requireActive(connection);
        const { identity, applicationId, use } = await checkResponse(connection, attempt, params, now);
        const { profile, recorded } = await signInDeferred(connection, identity, now, use);
        // SP-initiated: the route completes the interaction (awaiting `recorded`, already settled for SAML).
        if (attempt && interaction) return { kind: 'sp_initiated', interactionUid: attempt.interactionUid, interaction, profile, recorded };
        await recorded;
        return { kind: 'idp_initiated', connection, profile, applicationId };
      });
    },

    /** The SP metadata a SAML connection publishes (any status: the IdP is set up before activation). */
    async samlMetadata(connectionId: string): Promise<string> {
      const connection = await deps.store.connections.get(connectionId);
      // Only SAML connections have SP metadata; for any other id this address does not exist.
      if (deps.registry[connection.type]?.protocol !== 'saml') throw new NotFound('No SAML connection here', { code: 'connection_not_found' });
      return openSaml(connection).spMetadata();
    },
  };
}
