// Reads an identity provider's SAML metadata (pasted XML or a fetched URL) into the few facts a
// connection needs. Admins paste the wrong file often enough (the SP's own metadata, a federation
// feed, an HTML sign-in page) that every refusal says in plain words what was found instead.
import { InvalidRequest } from '../../src/errors.js';
import { normalizeCertificate } from '../shared/certificates.js';
import { BINDINGS, NS, attributeOf, childrenNS, firstChildNS, isElement, metadataInvalid, parseXmlDocument, textOf } from './xml.js';

export const MAX_METADATA_BYTES = 1024 * 1024;
/** More than this is a feed or a mistake; it also matches what a connection's config stores. */
export const MAX_IDP_CERTIFICATES = 10;

const SAML2_PROTOCOL = NS.samlp;
const MAX_ENTITY_ID_CHARS = 1024; // SAML 2.0 metadata, section 2.3.2
const WHAT = 'This metadata';

export interface IdpMetadata {
  entityId: string;
  ssoUrls: { redirect?: string; post?: string };
  /** Canonical PEM, signing use, deduplicated, in document order. */
  certificates: string[];
  wantAuthnRequestsSigned: boolean;
  nameIdFormats: string[];
  /** ISO 8601; reported, not enforced: many IdPs publish metadata that is long past it. */
  validUntil?: string;
}

export interface IdpMetadataOptions {
  /** Accept http:// SSO URLs (tests and local development only). */
  allowInsecure: boolean;
}

export function parseIdpMetadata(xml: string, options: IdpMetadataOptions = { allowInsecure: false }): IdpMetadata {
  const root = parseXmlDocument(xml, WHAT, MAX_METADATA_BYTES).documentElement;
  if (!root) throw metadataInvalid(`${WHAT} is empty or is not XML`);
  const entity = pickEntity(root);
  const idp = pickIdpDescriptor(entity);
  const validUntil = validUntilOf(entity);
  return {
    entityId: entityIdOf(entity),
    ssoUrls: ssoUrlsOf(idp, options.allowInsecure),
    certificates: signingCertificatesOf(idp),
    wantAuthnRequestsSigned: isTrue(attributeOf(idp, 'WantAuthnRequestsSigned')),
    nameIdFormats: unique(childrenNS(idp, NS.md, 'NameIDFormat').map(textOf).filter((format) => format !== '')),
    ...(validUntil === undefined ? {} : { validUntil }),
  };
}

function pickEntity(root: Element): Element {
  if (isElement(root, NS.md, 'EntityDescriptor')) return root;
  if (!isElement(root, NS.md, 'EntitiesDescriptor')) throw notMetadata(root);
  const entities = entitiesIn(root);
  const idps = entities.filter((entity) => childrenNS(entity, NS.md, 'IDPSSODescriptor').length > 0);
  const only = idps[0];
  if (idps.length > 1) {
    throw metadataInvalid(
      `${WHAT} describes ${idps.length} identity providers (it looks like a federation feed); paste the metadata of your single identity provider`,
    );
  }
  if (only !== undefined) return only;
  if (entities[0] !== undefined) return entities[0]; // pickIdpDescriptor explains what it is instead
  throw metadataInvalid(`${WHAT} is an empty EntitiesDescriptor: it lists no EntityDescriptor`);
}

// Federation aggregates nest EntitiesDescriptor inside EntitiesDescriptor.
function entitiesIn(group: Element): Element[] {
  return [
    ...childrenNS(group, NS.md, 'EntityDescriptor'),
    ...childrenNS(group, NS.md, 'EntitiesDescriptor').flatMap(entitiesIn),
  ];
}

function notMetadata(root: Element): InvalidRequest {
  if (root.localName === 'EntityDescriptor' || root.localName === 'EntitiesDescriptor') {
    return metadataInvalid(`This is not SAML metadata (the ${root.localName} is not in the ${NS.md} namespace)`);
  }
  const found = root.localName === 'html' ? 'an HTML page' : `a <${root.localName}> document`;
  return metadataInvalid(`This is not SAML metadata (expected an EntityDescriptor, found ${found})`);
}

function pickIdpDescriptor(entity: Element): Element {
  const descriptors = childrenNS(entity, NS.md, 'IDPSSODescriptor');
  const saml2 = descriptors.find((d) => (attributeOf(d, 'protocolSupportEnumeration') ?? '').split(/\s+/).includes(SAML2_PROTOCOL));
  if (saml2 !== undefined) return saml2;
  if (descriptors.length > 0) {
    throw metadataInvalid(`${WHAT} describes an identity provider that does not support SAML 2.0 (protocolSupportEnumeration)`);
  }
  if (childrenNS(entity, NS.md, 'SPSSODescriptor').length > 0) {
    throw metadataInvalid(`${WHAT} has no IDPSSODescriptor: it looks like service-provider metadata, not your identity provider's`);
  }
  throw metadataInvalid(`${WHAT} has no IDPSSODescriptor: it does not describe an identity provider`);
}

function entityIdOf(entity: Element): string {
  const entityId = (attributeOf(entity, 'entityID') ?? '').trim();
  if (entityId === '') throw metadataInvalid(`${WHAT} has no entityID on its EntityDescriptor`);
  if (entityId.length > MAX_ENTITY_ID_CHARS) {
    throw metadataInvalid(`${WHAT} has an entityID longer than ${MAX_ENTITY_ID_CHARS} characters`);
  }
  return entityId;
}

function ssoUrlsOf(idp: Element, allowInsecure: boolean): IdpMetadata['ssoUrls'] {
  const services = childrenNS(idp, NS.md, 'SingleSignOnService');
  const locationFor = (binding: string) => services.find((s) => attributeOf(s, 'Binding') === binding);
  const redirect = locationFor(BINDINGS.redirect);
  const post = locationFor(BINDINGS.post);
  if (redirect === undefined && post === undefined) {
    throw metadataInvalid(`${WHAT} has no HTTP-Redirect or HTTP-POST SingleSignOnService`);
  }
  return {
    ...(redirect === undefined ? {} : { redirect: ssoLocation(redirect, 'HTTP-Redirect', allowInsecure) }),
    ...(post === undefined ? {} : { post: ssoLocation(post, 'HTTP-POST', allowInsecure) }),
  };
}

// Kept as written (not URL-normalized): some IdPs carry a query string the browser must send back.
function ssoLocation(service: Element, binding: string, allowInsecure: boolean): string {
  const location = (attributeOf(service, 'Location') ?? '').trim();
  const shown = location.length > 200 ? `${location.slice(0, 200)}...` : location;
  const url = URL.canParse(location) ? new URL(location) : undefined;
  const secure = url?.protocol === 'https:' || (allowInsecure && url?.protocol === 'http:');
  if (url === undefined || !secure || url.hostname === '') {
    const wanted = allowInsecure ? 'an absolute http(s) URL' : 'an absolute https URL';
    throw metadataInvalid(`${WHAT}'s ${binding} SingleSignOnService Location "${shown}" is not ${wanted}`);
  }
  return location;
}

// KeyDescriptor without `use` means "both" (metadata spec 2.4.1.1); use="encryption" is a key the
// IdP would encrypt to, and trusting it for signatures would be a mistake.
function signingCertificatesOf(idp: Element): string[] {
  const certificates: string[] = [];
  const descriptors = childrenNS(idp, NS.md, 'KeyDescriptor').filter((d) => (attributeOf(d, 'use') ?? 'signing') === 'signing');
  for (const descriptor of descriptors) {
    for (const data of childrenNS(firstChildNS(descriptor, NS.ds, 'KeyInfo'), NS.ds, 'X509Data')) {
      for (const element of childrenNS(data, NS.ds, 'X509Certificate')) certificates.push(readCertificate(element, certificates.length + 1));
    }
  }
  const distinct = unique(certificates);
  if (distinct.length === 0) throw metadataInvalid(`${WHAT} has no signing certificate`);
  if (distinct.length > MAX_IDP_CERTIFICATES) {
    throw metadataInvalid(`${WHAT} lists ${distinct.length} signing certificates; at most ${MAX_IDP_CERTIFICATES} are accepted`);
  }
  return distinct;
}

function readCertificate(element: Element, position: number): string {
  try {
    return normalizeCertificate(textOf(element));
  } catch (error) {
    const reason = error instanceof InvalidRequest ? error.message : String(error);
    throw metadataInvalid(`Signing certificate ${position} in this metadata is not a valid X.509 certificate`, { detail: reason });
  }
}

// The entity's own validUntil wins; otherwise the nearest enclosing EntitiesDescriptor's.
function validUntilOf(entity: Element): string | undefined {
  for (let node: Node | null = entity; node !== null && node.nodeType === 1; node = node.parentNode) {
    const raw = attributeOf(node as Element, 'validUntil');
    if (raw === undefined) continue;
    const time = Date.parse(raw.trim());
    return Number.isNaN(time) ? undefined : new Date(time).toISOString();
  }
  return undefined;
}

function isTrue(value: string | undefined): boolean {
  const v = value?.trim();
  return v === 'true' || v === '1'; // xs:boolean
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
