// From verified claims to the upstream identity, with the checks that need the claims: the Entra
// tenant (`tid`) and the Google Workspace hosted domain (`hd`).
import { UpstreamRejected } from '../../src/errors.js';
import type { UpstreamIdentity } from '../../src/sso/connector.js';
import type { OidcConfig } from './config.js';

const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
const refuse = (code: string, detail: string) => new UpstreamRejected('The response from your identity provider could not be accepted.', { code, detail });

export function checkTenant(config: OidcConfig, claims: Record<string, unknown>): void {
  if (config.tenant_id === undefined) return;
  const tid = text(claims.tid)?.toLowerCase();
  if (tid !== config.tenant_id) throw refuse('oidc_tenant_mismatch', `the ID token is from tenant ${tid ?? '(none)'}; the connection expects ${config.tenant_id}`);
}

export function checkHostedDomain(claims: Record<string, unknown>, organizationDomains: readonly string[]): void {
  const hd = text(claims.hd)?.toLowerCase();
  if (!hd) throw refuse('oidc_hosted_domain_mismatch', 'the ID token has no hd claim (a personal Google account?)');
  if (!organizationDomains.includes(hd)) throw refuse('oidc_hosted_domain_mismatch', `hd ${hd} is not one of the organization's domains (${organizationDomains.join(', ') || 'none'})`);
}

export function identityFrom(claims: Record<string, unknown>, groups: readonly string[] = list(claims.groups)): UpstreamIdentity {
  const sub = text(claims.sub);
  if (!sub) throw refuse('oidc_id_token_invalid', 'no sub claim');
  return {
    idpId: sub,
    email: text(claims.email),
    emailVerified: claims.email_verified === true,
    firstName: text(claims.given_name),
    lastName: text(claims.family_name),
    name: text(claims.name),
    groups,
    roles: list(claims.roles),
    amr: list(claims.amr),
    authnContext: text(claims.acr),
    rawAttributes: claims,
  };
}
