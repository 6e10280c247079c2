// Entra's groups overage: when a user is in more groups than fit in a token (200 in a JWT), the
// ID token carries no `groups` but points elsewhere (`_claim_names.groups`, or `hasgroups: true`).
// Taking the missing claim as "no groups" would silently drop memberships, so a connection either
// reads them from Microsoft Graph with the user's access token or refuses the login; it never
// follows the token's own `_claim_sources` endpoint (a URL the token names is not one we trust).
import { UpstreamRejected } from '../../src/errors.js';
import type { OutboundFetch } from '../../src/sso/connector.js';

// Graph's documented cap for getMemberGroups.
const MAX_GROUPS = 11_000;
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export function hasGroupsOverage(claims: Record<string, unknown>): boolean {
  const names = claims._claim_names as Record<string, unknown> | undefined;
  return claims.groups === undefined && ((typeof names === 'object' && names !== null && 'groups' in names) || claims.hasgroups === true);
}

const unavailable = (detail: string, cause?: unknown) =>
  new UpstreamRejected('Your group memberships could not be read from your identity provider.', { code: 'oidc_groups_unavailable', detail, cause });

/** Every group the signed-in user belongs to (transitively), as Entra object ids. */
export async function groupsFromGraph(graphEndpoint: string, accessToken: string, fetch: OutboundFetch): Promise<string[]> {
  const url = `${graphEndpoint.replace(/\/+$/, '')}/v1.0/me/getMemberGroups`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ securityEnabledOnly: false }),
  }).catch((cause: unknown) => {
    throw unavailable(`Microsoft Graph unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  });
  const text = await response.text();
  if (!response.ok) throw unavailable(`Microsoft Graph answered ${response.status} (the connection's scopes need GroupMember.Read.All): ${text.slice(0, 200)}`);
  if (text.length > MAX_BODY_BYTES) throw unavailable('Microsoft Graph answered with an oversized body');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw unavailable('Microsoft Graph answered with something other than JSON', cause);
  }
  const value = (body as { value?: unknown }).value;
  if (!Array.isArray(value) || value.length > MAX_GROUPS || !value.every((v) => typeof v === 'string' && v.length <= 64)) {
    throw unavailable('Microsoft Graph answered without a list of group ids');
  }
  return value;
}
