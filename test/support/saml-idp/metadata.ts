// IdP metadata (an md:EntityDescriptor) for the test IdP, shaped like what Okta, Entra and ADFS
// publish: one signing KeyDescriptor per certificate (several during a key rotation), NameIDFormat
// entries, then the SSO endpoints in schema order.
import { NAMEID } from './response.js';
import { NS, escapeXml, pemBody } from './xml.js';

export const BINDINGS = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
} as const;
export type BindingName = keyof typeof BINDINGS;

export interface IdpMetadataOptions {
  entityId: string;
  ssoUrl: string;
  /** PEM certificates; each becomes a KeyDescriptor use="signing". */
  certificates: string[];
  wantAuthnRequestsSigned?: boolean;
  /** Which SingleSignOnService bindings to list; default both. */
  bindings?: BindingName[];
  nameIdFormats?: string[];
  /** Optional certificates published with use="encryption" (what an IdP would encrypt to; rare). */
  encryptionCertificates?: string[];
  validUntil?: Date;
}

function keyDescriptor(use: 'signing' | 'encryption', certificate: string): string {
  return (
    `<md:KeyDescriptor use="${use}"><ds:KeyInfo><ds:X509Data>` +
    `<ds:X509Certificate>${pemBody(certificate)}</ds:X509Certificate>` +
    `</ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`
  );
}

export function buildIdpMetadata(options: IdpMetadataOptions): string {
  const bindings = options.bindings ?? ['redirect', 'post'];
  const formats = options.nameIdFormats ?? [NAMEID.emailAddress, NAMEID.persistent, NAMEID.transient, NAMEID.unspecified];
  const validUntil = options.validUntil ? ` validUntil="${options.validUntil.toISOString()}"` : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<md:EntityDescriptor xmlns:md="${NS.md}" xmlns:ds="${NS.ds}" entityID="${escapeXml(options.entityId)}"${validUntil}>` +
    `<md:IDPSSODescriptor WantAuthnRequestsSigned="${options.wantAuthnRequestsSigned ? 'true' : 'false'}" protocolSupportEnumeration="${NS.samlp}">` +
    options.certificates.map((cert) => keyDescriptor('signing', cert)).join('') +
    (options.encryptionCertificates ?? []).map((cert) => keyDescriptor('encryption', cert)).join('') +
    formats.map((format) => `<md:NameIDFormat>${escapeXml(format)}</md:NameIDFormat>`).join('') +
    bindings.map((b) => `<md:SingleSignOnService Binding="${BINDINGS[b]}" Location="${escapeXml(options.ssoUrl)}"/>`).join('') +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`
  );
}
