// The identity, read only from the verified assertion: NameID (its whole text, so a comment
// injected into it cannot truncate it), every attribute with all its values, the session index and
// the authentication context. Vendor attribute names are the presets' business, not this file's;
// it knows only the names every IdP family shares.
import type { UpstreamIdentity } from '../../../src/sso/connector.js';
import { NAME_ID_FORMATS } from '../config.js';
import { NS, childrenNS, firstChildNS, type SamlElement } from '../xml.js';
import { fail } from './failure.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const MAX_ATTRIBUTES = 500;
const MAX_VALUES = 2000;

const EMAIL_ATTRIBUTES = ['email', 'mail', 'emailaddress', 'urn:oid:0.9.2342.19200300.100.1.3', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'];
const GROUP_ATTRIBUTES = ['groups', 'memberOf', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups', 'http://schemas.xmlsoap.org/claims/Group'];
const FIRST_NAME_ATTRIBUTES = ['firstName', 'givenName', 'given_name', 'urn:oid:2.5.4.42', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname'];
const LAST_NAME_ATTRIBUTES = ['lastName', 'sn', 'surname', 'family_name', 'urn:oid:2.5.4.4', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname'];
/** Stable subjects to fall back on when the NameID is transient or missing. */
const SUBJECT_ATTRIBUTES = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'uid', 'urn:oid:0.9.2342.19200300.100.1.1', ...EMAIL_ATTRIBUTES];

export type Attributes = Record<string, string[]>;

export function readAttributes(assertion: SamlElement): Attributes {
  const attributes: Attributes = Object.create(null) as Attributes;
  let values = 0;
  for (const statement of childrenNS(assertion, NS.saml, 'AttributeStatement')) {
    for (const attribute of childrenNS(statement, NS.saml, 'Attribute')) {
      const name = attribute.getAttribute('Name');
      if (!name) continue;
      const list = (attributes[name] ??= []);
      for (const value of childrenNS(attribute, NS.saml, 'AttributeValue')) {
        if (value.getAttributeNS(XSI, 'nil') === 'true') continue;
        list.push(value.textContent?.trim() ?? '');
        if (++values > MAX_VALUES) fail('saml_response_invalid', `the assertion carries more than ${MAX_VALUES} attribute values`);
      }
      if (Object.keys(attributes).length > MAX_ATTRIBUTES) fail('saml_response_invalid', `the assertion carries more than ${MAX_ATTRIBUTES} attributes`);
    }
  }
  return attributes;
}

const first = (attributes: Attributes, names: readonly string[]): string | undefined => {
  for (const name of names) {
    const value = attributes[name]?.find((v) => v.length > 0);
    if (value !== undefined) return value;
  }
  return undefined;
};
const all = (attributes: Attributes, names: readonly string[]): string[] => names.flatMap((n) => attributes[n] ?? []).filter((v) => v.length > 0);

export function readIdentity(assertion: SamlElement, subjectAttribute: string | undefined): UpstreamIdentity {
  const nameIdElement = firstChildNS(firstChildNS(assertion, NS.saml, 'Subject'), NS.saml, 'NameID');
  const nameId = nameIdElement?.textContent?.trim() || undefined;
  const format = nameIdElement?.getAttribute('Format') || undefined;
  const attributes = readAttributes(assertion);
  const stableNameId = nameId !== undefined && format !== NAME_ID_FORMATS.transient ? nameId : undefined;
  const idpId = subjectAttribute !== undefined ? first(attributes, [subjectAttribute]) : (stableNameId ?? first(attributes, SUBJECT_ATTRIBUTES));
  if (idpId === undefined) {
    fail('saml_subject_missing', subjectAttribute ? `the assertion has no ${subjectAttribute} attribute` : 'the NameID is transient or missing and no stable subject attribute was sent');
  }
  const authn = firstChildNS(assertion, NS.saml, 'AuthnStatement');
  const classRef = firstChildNS(firstChildNS(authn, NS.saml, 'AuthnContext'), NS.saml, 'AuthnContextClassRef')?.textContent?.trim();
  const email = format === NAME_ID_FORMATS.email && nameId ? nameId : first(attributes, EMAIL_ATTRIBUTES);
  return {
    idpId,
    email,
    // The IdP is the organization's own directory: it is the authority for its users' addresses.
    emailVerified: email !== undefined,
    firstName: first(attributes, FIRST_NAME_ATTRIBUTES),
    lastName: first(attributes, LAST_NAME_ATTRIBUTES),
    name: first(attributes, ['displayName', 'name', 'http://schemas.microsoft.com/identity/claims/displayname']),
    groups: [...new Set(all(attributes, GROUP_ATTRIBUTES))],
    roles: all(attributes, ['roles', 'role', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role']),
    amr: [],
    authnContext: classRef || undefined,
    rawAttributes: {
      ...attributes,
      ...(nameId === undefined ? {} : { name_id: nameId }),
      ...(format === undefined ? {} : { name_id_format: format }),
      ...(authn?.getAttribute('SessionIndex') ? { session_index: authn.getAttribute('SessionIndex') } : {}),
    },
  };
}
