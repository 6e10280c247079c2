// The login state machine between the OpenID Provider and the connectors: start a trip to the
// IdP (a single-use LoginAttempt binds it to the interaction), then finish it: consume the
// attempt, let the connector check the response, map attributes, record the Profile and the login.
import { randomBytes } from 'node:crypto';
import { auditEntry } from '../admin/audit.js';
import { systemContext } from '../admin/context.js';
import { GatewayError, UpstreamRejected } from '../errors.js';
import { openSecrets } from '../store/connection-secrets.js';
import type { SecretBox } from '../store/encryption.js';
import type { ConnectionRecord, ProfileRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { applyAttributeMapping, effectiveMapping } from './attribute-mapping.js';
import type { Connector, ConnectorRegistry, LoginRedirect, OidcConnector, OutboundFetch, PresetRegistry, SamlConnector, Stash, UpstreamIdentity } from './connector.js';

export const OIDC_CALLBACK_PATH = '/oidc/callback';
export const samlAcsPath = (connectionId: string) => `/saml/${encodeURIComponent(connectionId)}/acs`;
export const LOGIN_ATTEMPT_TTL_MS = 10 * 60 * 1000;

export interface BrokerDeps {
  store: Store;
  registry: ConnectorRegistry;
  presets: PresetRegistry;
  secretBox: SecretBox;
  publicUrl: string;
  allowInsecureOutbound: boolean;
  /** Guarded outbound HTTP for connectors (discovery, JWKS, metadata). */
  outboundFetch: OutboundFetch;
  clock: () => Date;
}

export function loginBroker(deps: BrokerDeps) {
  const callbackUrl = `${deps.publicUrl}${OIDC_CALLBACK_PATH}`;

  function open(connection: ConnectionRecord): Connector {
    const type = deps.registry[connection.type];
    if (!type) throw new UpstreamRejected('This sign-in connection is not available.', { code: 'connection_type_disabled' });
    const config = type.configSchema.parse(openSecrets(deps.secretBox, connection.organizationId, type.secretFields, connection.config));
    return type.open(config, {
      clock: deps.clock,
      publicUrl: deps.publicUrl,
      allowInsecureOutbound: deps.allowInsecureOutbound,
      fetch: deps.outboundFetch,
      connectionId: connection.id,
    });
  }
  const openOidc = (connection: ConnectionRecord): OidcConnector => {
    const connector = open(connection);
    if (connector.protocol !== 'oidc') throw new UpstreamRejected('This connection signs in over SAML; its responses go to its ACS URL.', { code: 'connection_protocol_mismatch' });
    return connector;
  };
  const openSaml = (connection: ConnectionRecord): SamlConnector => {
    const connector = open(connection);
    if (connector.protocol !== 'saml') throw new UpstreamRejected('This connection does not sign in over SAML.', { code: 'connection_protocol_mismatch' });
    return connector;
  };
  const callbackFor = (connection: ConnectionRecord, connector: Connector) =>
    connector.protocol === 'saml' ? `${deps.publicUrl}${samlAcsPath(connection.id)}` : callbackUrl;

  /** Maps the identity through the connection's attribute mapping and records the login. */
  async function signIn(connection: ConnectionRecord, identity: UpstreamIdentity, now: Date): Promise<ProfileRecord> {
    const mapped = applyAttributeMapping(identity, effectiveMapping(deps.presets, connection));
    const profile = await deps.store.profiles.recordLogin(
      {
        organizationId: connection.organizationId,
        connectionId: connection.id,
        connectionType: connection.type,
        idpId: identity.idpId,
        email: mapped.email?.toLowerCase() ?? null,
        emailVerified: identity.emailVerified,
        firstName: mapped.firstName ?? null,
        lastName: mapped.lastName ?? null,
        name: mapped.name ?? ([mapped.firstName, mapped.lastName].filter(Boolean).join(' ') || null),
        groups: mapped.groups,
        roles: [...identity.roles],
        customAttributes: mapped.customAttributes,
        rawAttributes: identity.rawAttributes as Record<string, unknown>,
      },
      now,
    );
    await recordLogin(connection, 'success', { idp_id: identity.idpId }, profile.id);
    return profile;
  }

  /** Runs a check of a callback for a known connection; any refusal is audited against it. */
  async function auditedFor<T>(connection: ConnectionRecord, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof GatewayError) await recordLogin(connection, 'failure', { reason: error.code, detail: error.detail ?? null });
      throw error;
    }
  }

  const requireActive = (connection: ConnectionRecord) => {
    if (connection.status !== 'active') throw new UpstreamRejected('This sign-in connection is no longer active.', { code: 'connection_inactive' });
  };

  async function recordLogin(connection: { id: string | null; organizationId: string | null }, outcome: 'success' | 'failure', metadata: Record<string, unknown>, profileId?: string) {
    const what = { action: outcome === 'success' ? 'login.succeeded' : 'login.failed', targetType: 'connection', targetId: connection.id, organizationId: connection.organizationId };
    const ctx = systemContext('login');
    const actor = profileId ? { ...ctx, actor: { ...ctx.actor, type: 'user' as const, id: profileId, name: null } } : ctx;
    await deps.store.auditLogs.append(auditEntry(actor, what, outcome, { metadata }));
  }

  return {
    async start(connection: ConnectionRecord, interactionUid: string, loginHint: string | undefined): Promise<LoginRedirect> {
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
    },

    /** Returns the interaction to resume and the signed-in profile. Every refusal is audited. */
    async finish(params: Record<string, string>): Promise<{ interactionUid: string; profile: ProfileRecord }> {
      const attempt = params.state ? await deps.store.loginAttempts.consume(params.state) : undefined;
      if (!attempt) {
        // Replayed, forged or long-expired: no connection to attribute it to, but still on record.
        await recordLogin({ id: null, organizationId: null }, 'failure', { reason: 'login_attempt_not_found' });
        throw new UpstreamRejected('This sign-in link was already used or is unknown. Start the sign-in again.', { code: 'login_attempt_not_found' });
      }
      const connection = await deps.store.connections.get(attempt.connectionId);
      return auditedFor(connection, async () => {
        const now = deps.clock();
        if (attempt.expiresAt <= now) throw new UpstreamRejected('This sign-in took too long. Start it again.', { code: 'login_attempt_expired' });
        requireActive(connection);
        const identity = await openOidc(connection).handleCallback({ stash: attempt.stash as Stash, params, callbackUrl, now });
        return { interactionUid: attempt.interactionUid, profile: await signIn(connection, identity, now) };
      });
    },

    /**
     * A POST to a connection's ACS. RelayState is only ever an attempt id: when it names one, the
     * response must answer that attempt's AuthnRequest on this very connection; when it names none,
     * the response is unsolicited and accepted only where the connection allows IdP-initiated login.
     */
    async finishSaml(connectionId: string, params: Record<string, string>): Promise<SamlLoginResult> {
      const connection = await deps.store.connections.get(connectionId);
      const attempt = params.RelayState ? await deps.store.loginAttempts.consume(params.RelayState) : undefined;
      return auditedFor(connection, async () => {
        const now = deps.clock();
        if (attempt && attempt.connectionId !== connection.id) {
          throw new UpstreamRejected('This sign-in response was sent to the wrong connection. Start the sign-in again.', {
            code: 'saml_connection_mismatch',
            detail: `attempt belongs to ${attempt.connectionId}, response posted to ${connection.id}`,
          });
        }
        if (attempt && attempt.expiresAt <= now) throw new UpstreamRejected('This sign-in took too long. Start it again.', { code: 'login_attempt_expired' });
        requireActive(connection);
        const connector = openSaml(connection);
        if (!attempt && !connector.idpInitiated.allowed) {
          throw new UpstreamRejected('This connection accepts only sign-ins started from the application.', {
            code: 'saml_unsolicited_response',
            detail: params.RelayState ? 'RelayState names no pending login attempt' : 'no RelayState and IdP-initiated login is off',
          });
        }
        const acsUrl = `${deps.publicUrl}${samlAcsPath(connection.id)}`;
        const verdict = await connector.handleResponse({ stash: attempt?.stash as Stash | undefined, params, callbackUrl: acsUrl, now });
        if (!(await deps.store.samlAssertions.recordUse(connection.id, verdict.assertionId, verdict.replayableUntil))) {
          throw new UpstreamRejected('This sign-in response was already used. Start the sign-in again.', { code: 'saml_replay', detail: `assertion ${verdict.assertionId} was already accepted` });
        }
        const profile = await signIn(connection, verdict.identity, now);
        return attempt ? { kind: 'sp_initiated', interactionUid: attempt.interactionUid, profile } : { kind: 'idp_initiated', connection, profile, applicationId: connector.idpInitiated.applicationId };
      });
    },

    /** The SP metadata a SAML connection publishes (any status: the IdP is set up before activation). */
    async samlMetadata(connectionId: string): Promise<string> {
      return openSaml(await deps.store.connections.get(connectionId)).spMetadata();
    },
  };
}

export type SamlLoginResult =
  | { kind: 'sp_initiated'; interactionUid: string; profile: ProfileRecord }
  | { kind: 'idp_initiated'; connection: ConnectionRecord; profile: ProfileRecord; applicationId: string | undefined };

export type LoginBroker = ReturnType<typeof loginBroker>;
