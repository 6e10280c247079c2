// A SAML connection's config. The admin gives the IdP one of three ways (metadata XML, a metadata
// URL, or the entity ID + SSO URL + certificates by hand); Gatehouse resolves that into `idp` and
// owns the SP key pair. Strict, so a typo is an error rather than a silently ignored field.
import { z } from 'zod';

const MAX_METADATA_CHARS = 1024 * 1024;
const MAX_PEM_CHARS = 16 * 1024;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const httpUrl = text(2048).refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an absolute http(s) URL');

/** Resolved from metadata or the manual fields on every save; never taken from the admin as is. */
export const resolvedIdpSchema = z.strictObject({
  source: z.enum(['metadata_xml', 'metadata_url', 'manual']),
  entity_id: text(1024),
  sso_redirect_url: httpUrl.optional(),
  sso_post_url: httpUrl.optional(),
  // Canonical PEM as normalizeCertificate writes it (trailing newline kept: no trim here).
  certificates: z.array(z.string().min(1).max(MAX_PEM_CHARS)).min(1).max(10),
  want_authn_requests_signed: z.boolean(),
  /** When the metadata URL was last fetched (ISO 8601). */
  fetched_at: z.string().optional(),
});

export const samlConfigSchema = z.strictObject({
  idp_metadata_xml: z.string().min(1).max(MAX_METADATA_CHARS, 'must be at most 1 MiB').optional(),
  idp_metadata_url: httpUrl.optional(),
  idp_entity_id: text(1024).optional(),
  idp_sso_url: httpUrl.optional(),
  idp_certificates: z.array(text(MAX_PEM_CHARS)).min(1, 'must list at least one certificate').max(10, 'must list at most 10 certificates').optional(),
  /** Accept unsolicited responses (IdP-initiated login). Off by default: they cannot be bound to a request. */
  allow_idp_initiated: z.boolean().default(false),
  /** Which application an IdP-initiated login lands in; needed when the organization has several. */
  idp_initiated_application_id: text(64).optional(),
  /** Default: what the IdP's metadata asks for (WantAuthnRequestsSigned). */
  sign_authn_requests: z.boolean().optional(),
  authn_request_binding: z.enum(['redirect', 'post']).default('redirect'),
  name_id_format: z.enum(['email', 'persistent', 'transient', 'unspecified']).optional(),
  force_authn: z.boolean().default(false),
  /** Take the subject from this attribute instead of the NameID (needed when the NameID is transient). */
  subject_attribute: text(256).optional(),
  /** Keep an SP entity ID an IdP already knows (migrations); default `<public url>/saml/<connection id>`. */
  sp_entity_id: text(1024).optional(),
  /** Legacy IdPs (old ADFS, OneLogin, Auth0 set-ups) still sign with SHA-1; refused unless opted in. */
  insecure_allow_sha1: z.boolean().default(false),
  /**
   * Which signature verifier decides: Gatehouse's own (`fast`), node-saml (the reference), or
   * `both`: fast decides, node-saml re-checks `verifier_sample_rate` of the responses, and when
   * they disagree the stricter verdict wins.
   */
  verifier: z.enum(['fast', 'node-saml', 'both']).default('fast'),
  verifier_sample_rate: z.number().min(0).max(1).default(1),
  // Owned by Gatehouse: generated on create, rotated through the API, never set by the admin.
  sp_private_key: z.string().optional(),
  sp_certificate: z.string().optional(),
  sp_next_private_key: z.string().optional(),
  sp_next_certificate: z.string().optional(),
  idp: resolvedIdpSchema.optional(),
});

export type SamlConfig = z.output<typeof samlConfigSchema>;
export type ResolvedIdp = z.output<typeof resolvedIdpSchema>;

/** A config after prepare(): what open() needs is all there. */
export type ReadySamlConfig = SamlConfig & { idp: ResolvedIdp; sp_private_key: string; sp_certificate: string };

export const SAML_SECRET_FIELDS = ['sp_private_key', 'sp_next_private_key'] as const;

export const NAME_ID_FORMATS = {
  email: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
} as const;

export function isReady(config: SamlConfig): config is ReadySamlConfig {
  return config.idp !== undefined && config.sp_private_key !== undefined && config.sp_certificate !== undefined;
}

/** Per-connection SP URLs: the values the admin pastes into the IdP. */
export function spUrls(config: SamlConfig, publicUrl: string, connectionId: string) {
  const base = `${publicUrl.replace(/\/+$/, '')}/saml/${encodeURIComponent(connectionId)}`;
  return { entityId: config.sp_entity_id ?? base, acsUrl: `${base}/acs`, metadataUrl: `${base}/metadata` };
}
