// The AuthnRequest, built and (when asked) signed by node-saml: HTTP-Redirect carries it DEFLATEd
// with the signature in the query; HTTP-POST carries plain base64 (never deflated, which strict
// IdPs refuse) with an enveloped signature. The request ID goes into the stash so the ACS can
// demand InResponseTo equal to it.
import { randomBytes } from 'node:crypto';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import type { LoginRequest, LoginRequestInput } from '../../src/sso/connector.js';
import { NAME_ID_FORMATS, type ReadySamlConfig } from './config.js';

/** SAML IDs are xs:ID (NCName): they may not start with a digit, hence the prefix. */
export const newRequestId = () => `_gh${randomBytes(20).toString('hex')}`;

export function signsRequests(config: ReadySamlConfig): boolean {
  return config.sign_authn_requests ?? config.idp.want_authn_requests_signed;
}

export async function buildLoginRequest(config: ReadySamlConfig, spEntityId: string, input: LoginRequestInput): Promise<LoginRequest> {
  const post = config.authn_request_binding === 'post';
  const entryPoint = post ? (config.idp.sso_post_url ?? config.idp.sso_redirect_url) : (config.idp.sso_redirect_url ?? config.idp.sso_post_url);
  if (entryPoint === undefined) throw new TypeError('saml connector: a prepared config always has an SSO URL');
  const requestId = newRequestId();
  const saml = new SAML({
    entryPoint,
    issuer: spEntityId,
    callbackUrl: input.callbackUrl,
    idpCert: [...config.idp.certificates],
    generateUniqueId: () => requestId,
    identifierFormat: config.name_id_format ? NAME_ID_FORMATS[config.name_id_format] : null,
    // node-saml asks for PasswordProtectedTransport by default, which locks out MFA and passwordless.
    disableRequestedAuthnContext: true,
    forceAuthn: config.force_authn,
    skipRequestCompression: post,
    validateInResponseTo: ValidateInResponseTo.never,
    ...(signsRequests(config) ? { privateKey: config.sp_private_key, signatureAlgorithm: 'sha256' as const, digestAlgorithm: 'sha256' } : {}),
  });
  const stash = { request_id: requestId };
  if (post) {
    const message = await saml.getAuthorizeMessageAsync(input.state);
    const fields = Object.fromEntries(Object.entries(message).map(([k, v]) => [k, String(v)]));
    return { redirect: { kind: 'post', url: entryPoint, fields }, stash };
  }
  return { redirect: { kind: 'redirect', url: await saml.getAuthorizeUrlAsync(input.state, undefined, {}) }, stash };
}
