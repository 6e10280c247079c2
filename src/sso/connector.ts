// The contract between the login core and a connector kind (SAML, upstream OIDC, mock). A connector
// only speaks its protocol: it keeps no state, never touches the database or express, and imports
// nothing but this file, src/errors.ts, its own folder, zod and node built-ins. Whatever must
// survive the trip to the IdP goes back to the core as an opaque stash, so any API node can finish
// a login another one started.
import type { z } from 'zod';

export type Protocol = 'saml' | 'oidc';

export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/**
 * Opaque to the core: stored in the LoginAttempt row and handed back unchanged to the callback
 * (request ID, PKCE verifier, nonce...). JSON-only so it survives a round trip through JSONB.
 */
export type Stash = { readonly [key: string]: Json };

/** How the browser is sent to the IdP: a plain redirect, or an auto-submitted form (SAML POST binding). */
export type LoginRedirect =
  | { readonly kind: 'redirect'; readonly url: string }
  | { readonly kind: 'post'; readonly url: string; readonly fields: Readonly<Record<string, string>> };

export interface LoginRequestInput {
  /** The LoginAttempt id, sent as RelayState / state so the callback finds its attempt. */
  readonly state: string;
  /** Where the IdP must send the browser back (ACS or OIDC redirect_uri). */
  readonly callbackUrl: string;
  /** Passed through to IdPs that can prefill the user (login_hint, Subject NameID). */
  readonly loginHint?: string | undefined;
}

export interface LoginRequest {
  readonly redirect: LoginRedirect;
  readonly stash: Stash;
}

interface CallbackInputBase {
  /** The exact URL the IdP was told to return to: audience / redirect_uri checks compare against it. */
  readonly callbackUrl: string;
  /** Injected so a test, or a recorded IdP response, can be checked at its own instant. */
  readonly now: Date;
}

export interface OidcCallbackInput extends CallbackInputBase {
  /** The stash returned by createLoginRequest for this attempt. */
  readonly stash: Stash;
  /** Query (or form_post body) parameters of the callback request. */
  readonly params: Readonly<Record<string, string>>;
}

export interface SamlResponseInput extends CallbackInputBase {
  /** Undefined for an IdP-initiated (unsolicited) response: there was no request to answer. */
  readonly stash: Stash | undefined;
  /** The ACS form body: SAMLResponse, RelayState. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * What the IdP asserted, before Gatehouse gives it an identity of its own. Optional fields are the
 * ones IdPs routinely omit; attribute mapping in the core may refine them from rawAttributes.
 */
export interface UpstreamIdentity {
  /** SAML NameID or OIDC `sub`: the IdP's stable subject. */
  readonly idpId: string;
  readonly email?: string | undefined;
  /** False unless the IdP vouches for it: linking by email must not trust an unverified address. */
  readonly emailVerified: boolean;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
  readonly name?: string | undefined;
  readonly groups: readonly string[];
  readonly roles: readonly string[];
  /** How the user authenticated (OIDC `amr`); empty when the IdP does not say. */
  readonly amr: readonly string[];
  /** SAML AuthnContextClassRef or OIDC `acr`. */
  readonly authnContext?: string | undefined;
  /** Everything the IdP sent, for per-connection mapping and debugging. */
  readonly rawAttributes: Readonly<Record<string, unknown>>;
}

/** The normalized identity a login produces: the upstream identity plus what Gatehouse assigns. */
export interface Profile extends UpstreamIdentity {
  /** Stable per connection + idpId, so a re-login yields the same profile. */
  readonly id: string;
  readonly organizationId: string;
  readonly connectionId: string;
  readonly connectionType: string;
  /** Set when the login is linked to a SCIM-provisioned user. */
  readonly directoryUserId?: string | undefined;
  readonly customAttributes: Readonly<Record<string, unknown>>;
}

/** A SAML response that passed every check the connector can make without state. */
export interface SamlVerdict {
  readonly identity: UpstreamIdentity;
  /** The assertion's ID: the core accepts each one once per connection (replay store). */
  readonly assertionId: string;
  /** Until when the assertion could be replayed: the replay record is kept at least that long. */
  readonly replayableUntil: Date;
}

export interface SamlConnector {
  readonly protocol: 'saml';
  createLoginRequest(input: LoginRequestInput): Promise<LoginRequest>;
  /** Throws UpstreamRejected (detail = the failed check) for anything it cannot vouch for. */
  handleResponse(input: SamlResponseInput): Promise<SamlVerdict>;
  /** The SP metadata document the IdP loads (entity ID, ACS, certificates). */
  spMetadata(): string;
  /** Whether an unsolicited (IdP-initiated) response may be accepted, and which application it lands in. */
  readonly idpInitiated: { readonly allowed: boolean; readonly applicationId: string | undefined };
}

export interface OidcConnector {
  readonly protocol: 'oidc';
  createLoginRequest(input: LoginRequestInput): Promise<LoginRequest>;
  /** Throws UpstreamRejected (detail = the failed check) for anything it cannot vouch for. */
  handleCallback(input: OidcCallbackInput): Promise<UpstreamIdentity>;
}

export type Connector = SamlConnector | OidcConnector;

/** fetch restricted to what a customer may make Gatehouse request (see src/outbound/). */
export type OutboundFetch = (
  url: string | URL,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<Response>;

/** Something a connector noticed that operators should see (logged and counted by the core). */
export type ConnectorReport = { readonly event: 'saml_verifier_disagreement'; readonly fast: string; readonly reference: string };

export interface GatewayDeps {
  /** Protocol checks read this, never Date.now(), so tests can pin time. */
  readonly clock: () => Date;
  /** Gatehouse's external base URL, without a trailing slash. */
  readonly publicUrl: string;
  /** Outbound HTTP already wrapped by the core's private-address guard. */
  readonly fetch?: OutboundFetch;
  readonly allowInsecureOutbound: boolean;
  /** Where a connector reports what operators should see; absent in tests that do not care. */
  readonly report?: (event: ConnectorReport) => void;
}

export interface ConnectorDeps extends GatewayDeps {
  /** The connection being served: per-connection URLs (SAML entity ID, ACS) derive from it. */
  readonly connectionId: string;
  /** The organization's domains (lower case), loaded only when a check asks (Google's `hd`). */
  readonly organizationDomains?: () => Promise<readonly string[]>;
}

/** What a connector kind shows the admin beside its config: values to give the IdP, expiry warnings. */
export type ConfigDescription = { readonly [key: string]: Json };

export interface ConnectorType<Config, C extends Connector = Connector> {
  /** Stored on the connection row; the registry key. */
  readonly type: string;
  readonly protocol: C['protocol'];
  /** Connection config is hostile input: the core parses it with this before anything else. */
  readonly configSchema: z.ZodType<Config>;
  /** Config fields the store must encrypt at rest and the admin API must never echo. */
  readonly secretFields: readonly string[];
  /** Cheap and pure: called per request with an already-parsed config. */
  open(config: Config, deps: ConnectorDeps): C;
  /**
   * Completes a config before it is stored: generates what Gatehouse owns (SP keys) and resolves
   * what the admin pointed at (metadata URLs, through deps.fetch). `previous` is the stored config
   * on update, undefined on create; `refresh` asks to re-fetch even what did not change.
   */
  prepare?(config: Config, previous: Config | undefined, deps: GatewayDeps, options: { refresh: boolean }): Promise<Config>;
  /** Derived, non-secret values the admin API shows beside the config. */
  describe?(config: Config, deps: ConnectorDeps): ConfigDescription;
  /** Kinds that own a key pair (SAML SP keys): publish the next key first, then make it current. */
  keyRotation?: {
    stage(config: Config, deps: GatewayDeps): Config;
    activate(config: Config): Config;
  };
}

/** `any`: each entry has its own Config type, checked where that entry is defined. */
export type ConnectorRegistry = Readonly<Record<string, ConnectorType<any>>>;

/** Per-IdP knowledge, no protocol code: what an IdP calls the attributes Gatehouse needs. */
export interface IdpPreset {
  readonly name: string;
  readonly label: string;
  /** Target claim -> the SAML attribute this IdP sends it in; a connection's own mapping overrides it. */
  readonly attributeMapping: Readonly<Record<string, string>>;
  /** The same for this IdP's OIDC claims (standard claims need no entry). */
  readonly oidcAttributeMapping: Readonly<Record<string, string>>;
  /** Step-by-step set-up text for the customer's IT admin (the setup portal shows it). */
  readonly guide?: SetupGuide;
}

/**
 * Plain-text steps (no markup: the portal escapes them). `{{name}}` marks a value the portal fills
 * in and shows with a copy button: acs_url, sp_entity_id, sp_metadata_url, oidc_redirect_uri,
 * scim_base_url, scim_token, and attribute names as attr.email, attr.first_name, attr.last_name,
 * attr.groups (from the preset's attributeMapping).
 */
export interface SetupGuide {
  readonly sso: { readonly protocol: 'saml' | 'oidc'; readonly steps: readonly string[] };
  /** Absent where the IdP has no SCIM provisioning to speak of. */
  readonly dsync?: { readonly steps: readonly string[] };
}

export type PresetRegistry = Readonly<Record<string, IdpPreset>>;
