// What every way of signing in shares, whatever the protocol: opening a connection's connector
// with its secrets, turning a checked identity into a recorded Profile, and auditing each outcome.
import { createHash } from 'node:crypto';
import { GatewayError, UpstreamRejected } from '../errors.js';
import { directoryUserOf, linkDirectoryUser } from '../directory/login-link.js';
import { openSecrets } from '../store/connection-secrets.js';
import type { SecretBox } from '../store/encryption.js';
import type { ConnectionRecord, ProfileRecord } from '../store/records.js';
import type { LoginIdentity } from '../store/directory-data.js';
import type { AssertionUse, LoginProfileFields } from '../store/store.js';
import type { Store } from '../store/store.js';
import { applyAttributeMapping, effectiveMapping } from './attribute-mapping.js';
import { loginRecordOf, type LoginEventProfile, type LoginRecord } from './login-record.js';
import type { Connector, ConnectorRegistry, ConnectorReport, OidcConnector, OutboundFetch, PresetRegistry, SamlConnector, UpstreamIdentity } from './connector.js';

export interface BrokerDeps {
  store: Store;
  registry: ConnectorRegistry;
  presets: PresetRegistry;
  secretBox: SecretBox;
  publicUrl: string;
  allowInsecureOutbound: boolean;
  /** Guarded outbound HTTP for connectors (discovery, JWKS, metadata). */
  outboundFetch: OutboundFetch;
  /** Where connectors report what operators should see (logged and counted). */
  report?: (event: ConnectorReport) => void;
  clock: () => Date;
}

/** Opened connectors kept, by connection and stored config: decrypting and validating a config costs more than a SAML check. */
const MAX_OPEN_CONNECTORS = 500;

export function signInCore(deps: BrokerDeps) {
  const opened = new Map<string, Connector>();
  function open(connection: ConnectionRecord): Connector {
    // The stored config itself is the version: any change (a re-sealed secret included) is a new key.
    const key = `${connection.id}\n${connection.type}\n${createHash('sha256').update(JSON.stringify(connection.config)).digest('base64')}`;
    const known = opened.get(key);
    if (known) return known;
    const connector = openFresh(connection);
    if (opened.size >= MAX_OPEN_CONNECTORS) opened.clear();
    opened.set(key, connector);
    return connector;
  }
  function openFresh(connection: ConnectionRecord): Connector {
    const type = deps.registry[connection.type];
    if (!type) throw new UpstreamRejected('This sign-in connection is not available.', { code: 'connection_type_disabled' });
    const config = type.configSchema.parse(openSecrets(deps.secretBox, connection.organizationId, type.secretFields, connection.config));
    return type.open(config, {
      clock: deps.clock,
      publicUrl: deps.publicUrl,
      allowInsecureOutbound: deps.allowInsecureOutbound,
      fetch: deps.outboundFetch,
      ...(deps.report ? { report: deps.report } : {}),
      connectionId: connection.id,
      organizationDomains: async () => (await deps.store.organizations.get(connection.organizationId)).domains,
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
  /** The identity mapped through the connection's attribute mapping: the profile's fields, and whom to look for in the directory. */
  function loginRecord(connection: ConnectionRecord, identity: UpstreamIdentity): { person: LoginIdentity; fields: LoginProfileFields } {
    const protocol = deps.registry[connection.type]?.protocol ?? 'saml';
    const mapped = applyAttributeMapping(identity, effectiveMapping(deps.presets, connection, protocol));
    const email = mapped.email?.toLowerCase() ?? null;
    const person = { organizationId: connection.organizationId, connectionId: connection.id, idpId: identity.idpId, verifiedEmail: identity.emailVerified ? email : null };
    const fields = {
      connectionType: connection.type,
      email,
      emailVerified: identity.emailVerified,
      firstName: mapped.firstName ?? null,
      lastName: mapped.lastName ?? null,
      name: mapped.name ?? ([mapped.firstName, mapped.lastName].filter(Boolean).join(' ') || null),
      groups: mapped.groups,
      roles: [...identity.roles],
      customAttributes: mapped.customAttributes,
      rawAttributes: identity.rawAttributes as Record<string, unknown>,
    };
    return { person, fields };
  }

  /**
   * Records the login: the directory decides whether the person may sign in, then the profile is
   * written. `use`: the SAML assertion the identity came in, accepted once only; its first use,
   * the directory link and the profile are then written by one statement, and nothing of the
   * profile is written for a replay.
   */
  async function signInDeferred(connection: ConnectionRecord, identity: UpstreamIdentity, now: Date, use?: AssertionUse): Promise<{ profile: ProfileRecord; recorded: Promise<void> }> {
    const { person, fields } = loginRecord(connection, identity);
    const metadata = { idp_id: identity.idpId };
    if (use) {
      // The SAML statement writes the login's audit entry and event with the profile (they name
      // the profile's id and directory user, which only the statement knows): nothing is left to await.
      const provisional = { id: '', email: fields.email, idpId: identity.idpId, firstName: fields.firstName, lastName: fields.lastName, directoryUserId: null };
      const record = loginRecordOf(connection, 'success', metadata, provisional);
      return { profile: await recordFirstUse(person, use, fields, now, record), recorded: Promise.resolve() };
    }
    const profile = await deps.store.profiles.recordLogin({ ...person, ...fields, directoryUserId: await linkDirectoryUser(deps.store.directoryData, person) }, now);
    const recorded = recordLogin(connection, 'success', metadata, profile);
    // Awaited by the caller before the login completes; never left unobserved meanwhile.
    recorded.catch(() => undefined);
    return { profile, recorded };
  }

  /** The SAML sign-in statement's outcome: a replay's or the directory's refusal, else the profile it wrote. */
  async function recordFirstUse(person: LoginIdentity, use: AssertionUse, fields: LoginProfileFields, now: Date, record: LoginRecord): Promise<ProfileRecord> {
    if (record.event === undefined) throw new TypeError('a SAML sign-in always has a connection');
    const written = await deps.store.samlLogins.recordLogin(person, use, fields, now, { audit: record.entry, event: record.event });
    if (!written.fresh) throw replayRefused(use.assertionId);
    // The directory's refusal, if any (the statement wrote no profile then).
    const directoryUserId = directoryUserOf(written.link);
    const { profile } = written;
    if (!profile || profile.directoryUserId !== directoryUserId) throw new Error('the SAML sign-in statement and directoryUserOf disagree on this login');
    return profile;
  }

  /** signInDeferred, its audit entry and event written before it returns. */
  async function signIn(connection: ConnectionRecord, identity: UpstreamIdentity, now: Date): Promise<ProfileRecord> {
    const { profile, recorded } = await signInDeferred(connection, identity, now);
    await recorded;
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

  /**
   * The audit entry of a sign-in and, for a known connection, its sso.login.succeeded|failed event
   * (delivered only to endpoints that name login events), committed together.
   */
  async function recordLogin(connection: { id: string | null; organizationId: string | null }, outcome: 'success' | 'failure', metadata: Record<string, unknown>, profile?: LoginEventProfile) {
    const { entry, event } = loginRecordOf(connection, outcome, metadata, profile);
    if (event === undefined) return void (await deps.store.auditLogs.append(entry));
    await deps.store.outbox.appendWithAudit([event], entry);
  }

  return { open, openOidc, openSaml, signIn, signInDeferred, auditedFor, requireActive, recordLogin };
}

export type SignInCore = ReturnType<typeof signInCore>;

export const replayRefused = (assertionId: string) =>
  new UpstreamRejected('This sign-in response was already used. Start the sign-in again.', { code: 'saml_replay', detail: `assertion ${assertionId} was already accepted` });
