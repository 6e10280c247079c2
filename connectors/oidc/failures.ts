// openid-client's refusals, translated into the connector's failure codes: the admin sees which
// check failed, the browser a short message. Anything unrecognised stays a generic refusal.
import * as client from 'openid-client';
import { UpstreamRejected, UpstreamUnavailable } from '../../src/errors.js';
import type { OidcConfig } from './config.js';

type Claimed = { code?: string; cause?: unknown; message: string };

const refuse = (code: string, detail: string, cause: unknown) =>
  new UpstreamRejected('The response from your identity provider could not be accepted.', { code, detail, cause });

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = error; e !== undefined && chain.length < 8; e = e instanceof Error ? e.cause : undefined) chain.push(e);
  return chain;
}

/** An ID token from another Entra tenant fails the issuer check first; name the real cause. */
function otherTenant(config: Pick<OidcConfig, 'tenant_id'>, claims: unknown): string | undefined {
  const tid = (claims as { tid?: unknown } | undefined)?.tid;
  return config.tenant_id && typeof tid === 'string' && tid.toLowerCase() !== config.tenant_id ? tid : undefined;
}

export function translate(error: unknown, config: Pick<OidcConfig, 'tenant_id'> = {}): Error {
  if (error instanceof UpstreamRejected) return error;
  // The guarded fetch (refused address, timeout, connection failure), possibly wrapped by openid-client.
  const network = causes(error).find((e) => e instanceof UpstreamUnavailable || (e instanceof TypeError && /fetch|network|ECONN/i.test(e.message)));
  if (network) {
    const detail = network instanceof Error ? network.message : String(network);
    return new UpstreamRejected('Your identity provider could not be reached. Try again in a moment.', { code: 'oidc_upstream_unreachable', detail, cause: error });
  }
  if (error instanceof client.AuthorizationResponseError || error instanceof client.ResponseBodyError) {
    const detail = `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
    return new UpstreamRejected('Your identity provider did not sign you in.', { code: 'oidc_upstream_error', detail, cause: error });
  }
  // openid-client wraps oauth4webapi's error, whose own `cause` names the claim: use the innermost.
  let e = error as Claimed;
  while (e.cause instanceof Error && (e.cause as Claimed).code?.startsWith('OAUTH_')) e = e.cause as Claimed;
  const named = e.cause as { claim?: string; parameter?: string; claims?: unknown } | undefined;
  const claim = named?.claim ?? named?.parameter ?? /"(iss|nonce|aud|azp|state|exp|alg)"/.exec(e.message)?.[1];
  const detail = `openid-client: ${e.message}${claim ? ` (${claim})` : ''}`;
  switch (e.code) {
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      if (claim === 'nonce') return refuse('oidc_nonce_mismatch', detail, error);
      if (claim === 'iss') {
        const tid = otherTenant(config, named?.claims);
        if (tid) return refuse('oidc_tenant_mismatch', `the ID token is from tenant ${tid}; the connection expects ${config.tenant_id}`, error);
        return refuse('oidc_issuer_mismatch', detail, error);
      }
      if (claim === 'state') return refuse('oidc_state_mismatch', detail, error);
      return refuse('oidc_id_token_invalid', detail, error);
    case 'OAUTH_INVALID_RESPONSE':
      if (/"iss"/.test(e.message) || claim === 'iss') return refuse('oidc_issuer_mismatch', detail, error);
      if (/nonce/.test(e.message)) return refuse('oidc_nonce_mismatch', detail, error);
      if (/state/.test(e.message)) return refuse('oidc_state_mismatch', detail, error);
      return refuse('oidc_id_token_invalid', detail, error);
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
    case 'OAUTH_KEY_SELECTION_FAILED':
    case 'OAUTH_UNSUPPORTED_OPERATION':
    case 'OAUTH_PARSE_ERROR':
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return refuse('oidc_id_token_invalid', detail, error);
  }
  if (error instanceof TypeError || (error as { name?: string }).name === 'AbortError') {
    return new UpstreamRejected('Your identity provider could not be reached. Try again in a moment.', { code: 'oidc_upstream_unreachable', detail, cause: error });
  }
  return refuse('oidc_id_token_invalid', detail, error);
}
