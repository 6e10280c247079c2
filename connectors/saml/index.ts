// The SAML 2.0 connector kind: config, AuthnRequests, response checks and SP metadata; responses
// are verified by Gatehouse's own strict verifier (verify/) or by @node-saml/node-saml. Stateless: replay of assertion IDs and the login attempt are the core's.
import { UpstreamRejected } from '../../src/errors.js';
import type { ConnectorDeps, ConnectorType, SamlConnector, SamlResponseInput, SamlVerdict } from '../../src/sso/connector.js';
import { isReady, samlConfigSchema, SAML_SECRET_FIELDS, spUrls, type ReadySamlConfig, type SamlConfig } from './config.js';
import { describeSamlConfig } from './describe.js';
import { buildLoginRequest, signsRequests } from './login-request.js';
import { prepareSamlConfig } from './prepare.js';
import { DEFAULT_PUBLIC_MESSAGE, PUBLIC_MESSAGES } from './response/failure.js';
import { activateNextSpKey, stageNextSpKey } from './sp-key-rotation.js';
import { buildSpMetadata } from './sp-metadata.js';
import { verifyResponse } from './verify/choose.js';

export { samlConfigSchema, type SamlConfig } from './config.js';
export { activateNextSpKey, stageNextSpKey } from './sp-key-rotation.js';
export { configureVerifierPool } from './response/pool.js';

function ready(config: SamlConfig): ReadySamlConfig {
  if (!isReady(config)) throw new UpstreamRejected('This SAML connection is not fully configured.', { code: 'saml_connection_incomplete' });
  return config;
}

function open(raw: SamlConfig, deps: ConnectorDeps): SamlConnector {
  const config = ready(raw);
  const urls = spUrls(config, deps.publicUrl, deps.connectionId);
  const decryptionKeys = [config.sp_private_key, ...(config.sp_next_private_key ? [config.sp_next_private_key] : [])];
  return {
    protocol: 'saml',
    idpInitiated: { allowed: config.allow_idp_initiated, applicationId: config.idp_initiated_application_id },

    createLoginRequest: (input) => buildLoginRequest(config, urls.entityId, input),

    async handleResponse({ stash, params, callbackUrl, now }: SamlResponseInput): Promise<SamlVerdict> {
      const requestId = stash === undefined ? null : stash.request_id;
      if (requestId !== null && typeof requestId !== 'string') throw new TypeError('saml connector: stash has no request_id');
      const outcome = await verifyResponse(config.verifier, config.verifier_sample_rate, {
        samlResponse: params.SAMLResponse,
        idpCertificates: config.idp.certificates,
        decryptionKeys,
        allowSha1: config.insecure_allow_sha1,
        subjectAttribute: config.subject_attribute,
        idpEntityId: config.idp.entity_id,
        spEntityId: urls.entityId,
        acsUrl: callbackUrl,
        requestId,
        nowMs: now.getTime(),
      }, deps.report);
      if (!outcome.ok) throw new UpstreamRejected(PUBLIC_MESSAGES[outcome.code] ?? DEFAULT_PUBLIC_MESSAGE, { code: outcome.code, detail: outcome.detail });
      return { identity: outcome.identity, assertionId: outcome.assertionId, replayableUntil: new Date(outcome.replayableUntilMs) };
    },

    spMetadata: () =>
      buildSpMetadata({
        entityId: urls.entityId,
        acsUrl: urls.acsUrl,
        certificates: [config.sp_certificate, ...(config.sp_next_certificate ? [config.sp_next_certificate] : [])],
        authnRequestsSigned: signsRequests(config),
        wantAssertionsSigned: true,
      }),
  };
}

export const samlConnectorType: ConnectorType<SamlConfig, SamlConnector> = {
  type: 'saml',
  protocol: 'saml',
  configSchema: samlConfigSchema,
  secretFields: SAML_SECRET_FIELDS,
  open,
  prepare: prepareSamlConfig,
  describe: describeSamlConfig,
  keyRotation: { stage: stageNextSpKey, activate: activateNextSpKey },
};
