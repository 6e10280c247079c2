// What the admin API shows beside a SAML config: the values to give the IdP, and the state of every
// certificate, so an expiring IdP certificate is visible before logins start failing.
import type { ConfigDescription, ConnectorDeps } from '../../src/sso/connector.js';
import { describeCertificate } from '../shared/certificates.js';
import { spUrls, type SamlConfig } from './config.js';

const certificateView = (pem: string, now: Date) => {
  try {
    return describeCertificate(pem, now);
  } catch {
    return { error: 'unreadable certificate' };
  }
};

export function describeSamlConfig(config: SamlConfig, deps: ConnectorDeps): ConfigDescription {
  const now = deps.clock();
  const urls = spUrls(config, deps.publicUrl, deps.connectionId);
  const idpCertificates = (config.idp?.certificates ?? []).map((pem) => certificateView(pem, now));
  return {
    sp_entity_id: urls.entityId,
    acs_url: urls.acsUrl,
    sp_metadata_url: urls.metadataUrl,
    sp_certificate: config.sp_certificate ?? null,
    sp_next_certificate: config.sp_next_certificate ?? null,
    idp_certificates_status: idpCertificates,
    /** Fingerprints of IdP certificates that expire within 30 days or have expired. */
    idp_certificates_expiring: idpCertificates.flatMap((c) => ('fingerprint_sha256' in c && (c.expires_soon || c.expired) ? [c.fingerprint_sha256] : [])),
  };
}
