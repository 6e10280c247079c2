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
import type { ConnectorRegistry, LoginRedirect, OidcConnector, OutboundFetch, PresetRegistry, Stash } from './connector.js';

export const OIDC_CALLBACK_PATH = '/oidc/callback';
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

  function open(connection: ConnectionRecord): OidcConnector {
    const type = deps.registry[connection.type];
    if (!type) throw new UpstreamRejected('This sign-in connection is not available.', { code: 'connection_type_disabled' });
    const config = type.configSchema.parse(openSecrets(deps.secretBox, connection.organizationId, type.secretFields, connection.config));
    const connector = type.open(config, {
      clock: deps.clock,
      publicUrl: deps.publicUrl,
      allowInsecureOutbound: deps.allowInsecureOutbound,
      fetch: deps.outboundFetch,
    });
    if (connector.protocol !== 'oidc') throw new TypeError(`${connection.type}: SAML responses arrive at the ACS, not here`);
    return connector;
  }

  async function recordLogin(connection: { id: string | null; organizationId: string | null }, outcome: 'success' | 'failure', metadata: Record<string, unknown>, profileId?: string) {
    const what = { action: outcome === 'success' ? 'login.succeeded' : 'login.failed', targetType: 'connection', targetId: connection.id, organizationId: connection.organizationId };
    const ctx = systemContext('login');
    const actor = profileId ? { ...ctx, actor: { ...ctx.actor, type: 'user' as const, id: profileId, name: null } } : ctx;
    await deps.store.auditLogs.append(auditEntry(actor, what, outcome, { metadata }));
  }

  return {
    async start(connection: ConnectionRecord, interactionUid: string, loginHint: string | undefined): Promise<LoginRedirect> {
      const state = randomBytes(32).toString('base64url');
      const request = await open(connection).createLoginRequest({ state, callbackUrl, loginHint });
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
      try {
        const now = deps.clock();
        if (attempt.expiresAt <= now) throw new UpstreamRejected('This sign-in took too long. Start it again.', { code: 'login_attempt_expired' });
        if (connection.status !== 'active') throw new UpstreamRejected('This sign-in connection is no longer active.', { code: 'connection_inactive' });
        const identity = await open(connection).handleCallback({ stash: attempt.stash as Stash, params, callbackUrl, now });
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
        return { interactionUid: attempt.interactionUid, profile };
      } catch (error) {
        if (error instanceof GatewayError) await recordLogin(connection, 'failure', { reason: error.code, detail: error.detail ?? null });
        throw error;
      }
    },
  };
}

export type LoginBroker = ReturnType<typeof loginBroker>;
