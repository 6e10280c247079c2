// How Gatehouse proves itself at the token endpoint: a client secret (basic or post), or
// private_key_jwt with the connection's own RSA key. The assertion's `aud` is the token endpoint,
// which every IdP we target accepts (Entra requires it; the issuer would be wrong for Entra's
// `{tenantid}` issuers), and its header names the key three ways: `kid` (RFC 7638 thumbprint, for
// JWKS-registered keys as Okta takes them) and `x5t` / `x5t#S256` (for certificate uploads).
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import * as client from 'openid-client';
import type { OidcConfig } from './config.js';

const ASSERTION_ALG = 'RS256';

/** The public half of the client key, as the IdP registers it. */
export function clientJwk(privateKeyPem: string): Record<string, string> {
  const { kty, n, e } = createPublicKey(privateKeyPem).export({ format: 'jwk' }) as Record<string, string>;
  // RFC 7638: the required members in lexicographic order, no whitespace.
  const kid = createHash('sha256').update(JSON.stringify({ e, kty, n })).digest('base64url');
  return { kty: kty!, n: n!, e: e!, kid, use: 'sig', alg: ASSERTION_ALG };
}

function certificateThumbprints(certificatePem: string) {
  const der = new X509Certificate(certificatePem).raw;
  return { x5t: createHash('sha1').update(der).digest('base64url'), 'x5t#S256': createHash('sha256').update(der).digest('base64url') };
}

async function importSigningKey(pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return crypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
}

export async function clientAuthentication(config: OidcConfig, tokenEndpoint: string): Promise<client.ClientAuth> {
  if (config.token_endpoint_auth_method !== 'private_key_jwt') {
    const secret = config.client_secret ?? '';
    return config.token_endpoint_auth_method === 'client_secret_post' ? client.ClientSecretPost(secret) : client.ClientSecretBasic(secret);
  }
  if (!config.client_private_key || !config.client_certificate) throw new TypeError('oidc connector: private_key_jwt without a client key');
  const { kid } = clientJwk(config.client_private_key);
  const thumbprints = certificateThumbprints(config.client_certificate);
  return client.PrivateKeyJwt(
    { key: await importSigningKey(config.client_private_key), kid },
    {
      [client.modifyAssertion]: (header, payload) => {
        Object.assign(header, thumbprints);
        payload.aud = tokenEndpoint;
      },
    },
  );
}
