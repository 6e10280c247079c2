// Our SP metadata, the file admins upload to their IdP. Strict IdP software (Shibboleth, ADFS,
// Entra) validates it against the metadata schema, so element order follows the schema exactly:
// KeyDescriptor*, NameIDFormat*, AssertionConsumerService+ inside SPSSODescriptor, then
// Organization after the role descriptor. Every value is escaped: entity IDs and organization
// names come from configuration an admin typed.
import { certificateBody } from '../shared/certificates.js';
import { NAME_ID_FORMATS } from './config.js';
import { BINDINGS, NS } from './xml.js';

export const DEFAULT_SP_NAME_ID_FORMATS: readonly string[] = [
  NAME_ID_FORMATS.email,
  NAME_ID_FORMATS.persistent,
  NAME_ID_FORMATS.unspecified,
];

// Strongest first; IdPs pick the first they support. rsa-oaep-mgf1p is the key transport that
// ADFS and Shibboleth still use by default.
const ENCRYPTION_METHODS = [
  'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
] as const;

export interface SpMetadataInput {
  entityId: string;
  acsUrl: string;
  /** The current certificate first, then a published next one during rotation. PEM. */
  certificates: readonly string[];
  authnRequestsSigned: boolean;
  wantAssertionsSigned: boolean;
  nameIdFormats?: readonly string[];
  organizationName?: string;
}

export function buildSpMetadata(input: SpMetadataInput): string {
  if (input.certificates.length === 0) throw new TypeError('buildSpMetadata needs at least one certificate');
  const bodies = [...new Set(input.certificates.map(certificateBody))];
  const formats = input.nameIdFormats ?? DEFAULT_SP_NAME_ID_FORMATS;
  const descriptor = [
    `  <md:SPSSODescriptor protocolSupportEnumeration="${NS.samlp}" AuthnRequestsSigned="${input.authnRequestsSigned}" WantAssertionsSigned="${input.wantAssertionsSigned}">`,
    ...bodies.flatMap(keyDescriptors),
    ...formats.map((format) => `    <md:NameIDFormat>${escapeXml(format)}</md:NameIDFormat>`),
    `    <md:AssertionConsumerService Binding="${BINDINGS.post}" Location="${escapeXml(input.acsUrl)}" index="0" isDefault="true"/>`,
    '  </md:SPSSODescriptor>',
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<md:EntityDescriptor xmlns:md="${NS.md}" xmlns:ds="${NS.ds}" entityID="${escapeXml(input.entityId)}">`,
    ...descriptor,
    ...organization(input.organizationName, input.acsUrl),
    '</md:EntityDescriptor>',
    '',
  ].join('\n');
}

function keyDescriptors(body: string): string[] {
  const keyInfo = [
    '      <ds:KeyInfo>',
    '        <ds:X509Data>',
    `          <ds:X509Certificate>${body}</ds:X509Certificate>`,
    '        </ds:X509Data>',
    '      </ds:KeyInfo>',
  ];
  return [
    '    <md:KeyDescriptor use="signing">',
    ...keyInfo,
    '    </md:KeyDescriptor>',
    '    <md:KeyDescriptor use="encryption">',
    ...keyInfo,
    ...ENCRYPTION_METHODS.map((algorithm) => `      <md:EncryptionMethod Algorithm="${algorithm}"/>`),
    '    </md:KeyDescriptor>',
  ];
}

// The schema requires OrganizationURL whenever Organization is present; the gateway's own origin
// is the only URL we know to be right, and IdPs only display it.
function organization(name: string | undefined, acsUrl: string): string[] {
  const trimmed = name?.trim();
  if (trimmed === undefined || trimmed === '') return [];
  const url = new URL(acsUrl).origin + '/';
  return [
    '  <md:Organization>',
    `    <md:OrganizationName xml:lang="en">${escapeXml(trimmed)}</md:OrganizationName>`,
    `    <md:OrganizationDisplayName xml:lang="en">${escapeXml(trimmed)}</md:OrganizationDisplayName>`,
    `    <md:OrganizationURL xml:lang="en">${escapeXml(url)}</md:OrganizationURL>`,
    '  </md:Organization>',
  ];
}

// Anything XML 1.0 cannot carry at all, even escaped (C0 controls, lone surrogates, U+FFFE/F).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // Attribute-value normalization would turn raw whitespace into spaces; references survive it.
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};

/** Safe in both text content and double- or single-quoted attribute values. */
export function escapeXml(value: string): string {
  if (NOT_XML_CHAR.test(value)) throw new TypeError('value contains a character XML cannot represent');
  return value.replace(/[&<>"'\t\n\r]/g, (c) => ESCAPES[c] ?? c);
}
