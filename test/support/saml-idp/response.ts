// Builds real, signed SAML 2.0 Responses for tests. Every option has a default, so a test states
// only what it varies; the XML is assembled as escaped strings, then signed with xml-crypto.
import { keys } from './keys.js';
import { NS, encryptXml, escapeXml, parseXml, randomId, serializeXml, signXml, xmlAttrs } from './xml.js';
import type { DigestAlgorithm, EncryptOptions, SignatureAlgorithm } from './xml.js';

export const NAMEID = {
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
} as const;
export type NameIdFormatName = keyof typeof NAMEID;

export const ATTRNAME_FORMAT = {
  basic: 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
  uri: 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
  unspecified: 'urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified',
} as const;

export const STATUS = {
  success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  requester: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
  responder: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
  authnFailed: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed',
  noPassive: 'urn:oasis:names:tc:SAML:2.0:status:NoPassive',
  requestDenied: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
} as const;

export const CONFIRMATION = {
  bearer: 'urn:oasis:names:tc:SAML:2.0:cm:bearer',
  holderOfKey: 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key',
  senderVouches: 'urn:oasis:names:tc:SAML:2.0:cm:sender-vouches',
} as const;

export const PASSWORD_PROTECTED_TRANSPORT = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';

/** The SP every recorded fixture (and every default here) is addressed to. */
export const FIXTURE_SP = {
  entityId: 'https://gatehouse.test/saml/conn_01FIXTURE0000000000000000',
  acsUrl: 'https://gatehouse.test/saml/conn_01FIXTURE0000000000000000/acs',
} as const;
export const DEFAULT_IDP_ENTITY_ID = 'https://idp.gatehouse.test/saml/metadata';

export type SignMode = 'assertion' | 'response' | 'both' | 'none';

export interface ResponseOptions {
  issuer?: string;
  assertionIssuer?: string;
  /** null omits the attribute (allowed only on unsigned Responses by the spec). */
  destination?: string | null;
  recipient?: string;
  /** null omits the AudienceRestriction. */
  audience?: string | string[] | null;
  inResponseTo?: string;
  responseId?: string;
  assertionId?: string;
  issueInstant?: Date;
  /** Conditions window; null omits the attribute. Defaults: issueInstant -5 min / +5 min. */
  notBefore?: Date | null;
  notOnOrAfter?: Date | null;
  subjectNotOnOrAfter?: Date | null;
  authnInstant?: Date;
  sessionIndex?: string | null;
  sessionNotOnOrAfter?: Date;
  authnStatement?: boolean;
  authnContextClassRef?: string;
  /** null = no NameID element. */
  nameId?: string | null;
  /** A NAMEID key or any format URN. */
  nameIdFormat?: NameIdFormatName | (string & {});
  spNameQualifier?: string;
  nameQualifier?: string;
  attributes?: Record<string, string | string[]>;
  /** null omits NameFormat (what Entra sends). */
  attributeNameFormat?: string | null;
  /** xsi:type="xs:string" on each AttributeValue, as Okta/OneLogin/Google send. */
  typedAttributeValues?: boolean;
  status?: string | { code?: string; subCode?: string; message?: string };
  /** Defaults to true for a Success status, false otherwise (IdPs send no assertion on errors). */
  includeAssertion?: boolean;
  subjectConfirmationMethod?: string | string[];
  sign?: SignMode;
  signatureAlgorithm?: SignatureAlgorithm;
  digestAlgorithm?: DigestAlgorithm;
  signingKey?: string;
  signingCert?: string;
  includeKeyInfo?: boolean;
  referenceUri?: string;
  encrypt?: EncryptOptions;
  /** Namespace prefixes; '' = default namespace (Entra/ADFS put the assertion and Signature there). */
  prefixes?: { protocol?: string; assertion?: string; signature?: string };
  xmlDeclaration?: boolean;
}

const MINUTE = 60_000;
const at = (date: Date, ms: number) => new Date(date.getTime() + ms);
const iso = (date: Date | null | undefined) => date?.toISOString();
const qname = (prefix: string, name: string) => (prefix ? `${prefix}:${name}` : name);
const nsDecl = (prefix: string, uri: string) => (prefix ? ` xmlns:${prefix}="${uri}"` : ` xmlns="${uri}"`);

function resolve(options: ResponseOptions) {
  const issueInstant = options.issueInstant ?? new Date();
  const notOnOrAfter = options.notOnOrAfter === undefined ? at(issueInstant, 5 * MINUTE) : options.notOnOrAfter;
  const issuer = options.issuer ?? DEFAULT_IDP_ENTITY_ID;
  const recipient = options.recipient ?? FIXTURE_SP.acsUrl;
  const status = typeof options.status === 'string' ? { code: options.status } : (options.status ?? {});
  const format = options.nameIdFormat ?? 'emailAddress';
  return {
    ...options,
    issuer,
    assertionIssuer: options.assertionIssuer ?? issuer,
    recipient,
    destination: options.destination === undefined ? recipient : options.destination,
    audience: options.audience === undefined ? [FIXTURE_SP.entityId] : options.audience === null ? [] : [options.audience].flat(),
    responseId: options.responseId ?? randomId(),
    assertionId: options.assertionId ?? randomId(),
    issueInstant,
    notBefore: options.notBefore === undefined ? at(issueInstant, -5 * MINUTE) : options.notBefore,
    notOnOrAfter,
    subjectNotOnOrAfter: options.subjectNotOnOrAfter === undefined ? notOnOrAfter : options.subjectNotOnOrAfter,
    sessionIndex: options.sessionIndex === undefined ? randomId() : options.sessionIndex,
    nameId: options.nameId === undefined ? 'ada@acme.test' : options.nameId,
    nameIdFormat: format in NAMEID ? NAMEID[format as NameIdFormatName] : format,
    attributes: options.attributes ?? { email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace' },
    attributeNameFormat: options.attributeNameFormat === undefined ? ATTRNAME_FORMAT.basic : options.attributeNameFormat,
    status: { ...status, code: status.code ?? STATUS.success },
    includeAssertion: options.includeAssertion ?? (status.code ?? STATUS.success) === STATUS.success,
    sign: options.sign ?? 'assertion',
    signingKey: options.signingKey ?? keys.idp.privateKey,
    signingCert: options.signingCert ?? keys.idp.certificate,
    p: { protocol: options.prefixes?.protocol ?? 'samlp', assertion: options.prefixes?.assertion ?? 'saml', signature: options.prefixes?.signature ?? 'ds' },
  };
}
type Resolved = ReturnType<typeof resolve>;

function subjectXml(o: Resolved): string {
  const a = (name: string) => qname(o.p.assertion, name);
  const nameId =
    o.nameId === null
      ? ''
      : `<${a('NameID')}${xmlAttrs({ Format: o.nameIdFormat, NameQualifier: o.nameQualifier, SPNameQualifier: o.spNameQualifier })}>${escapeXml(o.nameId)}</${a('NameID')}>`;
  const data = xmlAttrs({ InResponseTo: o.inResponseTo, NotOnOrAfter: iso(o.subjectNotOnOrAfter), Recipient: o.recipient });
  const confirmations = [o.subjectConfirmationMethod ?? CONFIRMATION.bearer]
    .flat()
    .map((method) => `<${a('SubjectConfirmation')} Method="${escapeXml(method)}"><${a('SubjectConfirmationData')}${data}/></${a('SubjectConfirmation')}>`);
  return `<${a('Subject')}>${nameId}${confirmations.join('')}</${a('Subject')}>`;
}

function attributeXml(o: Resolved, name: string, values: string | string[]): string {
  const a = (local: string) => qname(o.p.assertion, local);
  const typed = o.typedAttributeValues !== false ? ` xmlns:xs="${NS.xs}" xmlns:xsi="${NS.xsi}" xsi:type="xs:string"` : '';
  const valueXml = [values].flat().map((v) => `<${a('AttributeValue')}${typed}>${escapeXml(v)}</${a('AttributeValue')}>`);
  return `<${a('Attribute')}${xmlAttrs({ Name: name, NameFormat: o.attributeNameFormat })}>${valueXml.join('')}</${a('Attribute')}>`;
}

/** The unsigned Assertion element; it declares its own namespace so it survives being cut out (encryption). */
function assertionXml(o: Resolved): string {
  const a = (name: string) => qname(o.p.assertion, name);
  const conditions =
    `<${a('Conditions')}${xmlAttrs({ NotBefore: iso(o.notBefore), NotOnOrAfter: iso(o.notOnOrAfter) })}>` +
    (o.audience.length ? `<${a('AudienceRestriction')}>${o.audience.map((x) => `<${a('Audience')}>${escapeXml(x)}</${a('Audience')}>`).join('')}</${a('AudienceRestriction')}>` : '') +
    `</${a('Conditions')}>`;
  const authn = o.authnStatement === false
    ? ''
    : `<${a('AuthnStatement')}${xmlAttrs({ AuthnInstant: iso(o.authnInstant ?? o.issueInstant), SessionIndex: o.sessionIndex, SessionNotOnOrAfter: iso(o.sessionNotOnOrAfter) })}>` +
      `<${a('AuthnContext')}><${a('AuthnContextClassRef')}>${escapeXml(o.authnContextClassRef ?? PASSWORD_PROTECTED_TRANSPORT)}</${a('AuthnContextClassRef')}></${a('AuthnContext')}></${a('AuthnStatement')}>`;
  const entries = Object.entries(o.attributes);
  const attributes = entries.length ? `<${a('AttributeStatement')}>${entries.map(([n, v]) => attributeXml(o, n, v)).join('')}</${a('AttributeStatement')}>` : '';
  return (
    `<${a('Assertion')}${nsDecl(o.p.assertion, NS.saml)}${xmlAttrs({ ID: o.assertionId, IssueInstant: iso(o.issueInstant), Version: '2.0' })}>` +
    `<${a('Issuer')}>${escapeXml(o.assertionIssuer)}</${a('Issuer')}>${subjectXml(o)}${conditions}${authn}${attributes}</${a('Assertion')}>`
  );
}

function responseXml(o: Resolved, inner: string): string {
  const p = (name: string) => qname(o.p.protocol, name);
  const issuer = o.p.assertion ? `<${o.p.assertion}:Issuer>` : `<Issuer xmlns="${NS.saml}">`;
  const { code, subCode, message } = o.status;
  const status =
    `<${p('Status')}><${p('StatusCode')} Value="${escapeXml(code)}">` +
    (subCode ? `<${p('StatusCode')} Value="${escapeXml(subCode)}"/>` : '') +
    `</${p('StatusCode')}>${message ? `<${p('StatusMessage')}>${escapeXml(message)}</${p('StatusMessage')}>` : ''}</${p('Status')}>`;
  const attrs = xmlAttrs({ ID: o.responseId, Version: '2.0', IssueInstant: iso(o.issueInstant), Destination: o.destination, InResponseTo: o.inResponseTo });
  return (
    `<${p('Response')}${nsDecl(o.p.protocol, NS.samlp)}${o.p.assertion ? nsDecl(o.p.assertion, NS.saml) : ''}${attrs}>` +
    `${issuer}${escapeXml(o.issuer)}</${qname(o.p.assertion, 'Issuer')}>${status}${inner}</${p('Response')}>`
  );
}

function signWith(o: Resolved, elementId: string) {
  const { signatureAlgorithm, digestAlgorithm, includeKeyInfo, referenceUri } = o;
  return { elementId, privateKey: o.signingKey, certificate: o.signingCert, signatureAlgorithm, digestAlgorithm, includeKeyInfo, referenceUri, prefix: o.p.signature };
}

/** Cuts the (already signed) Assertion out and puts EncryptedAssertion in its place. */
function encryptAssertion(xml: string, o: Resolved, encrypt: EncryptOptions): string {
  const doc = parseXml(xml);
  const assertion = doc.getElementsByTagNameNS(NS.saml, 'Assertion').item(0)!;
  const tag = qname(o.p.assertion, 'EncryptedAssertion');
  const wrapperXml = `<${tag}${nsDecl(o.p.assertion, NS.saml)}>${encryptXml(serializeXml(assertion), encrypt)}</${tag}>`;
  const wrapper = doc.importNode(parseXml(wrapperXml).documentElement, true);
  assertion.parentNode!.replaceChild(wrapper, assertion);
  return serializeXml(doc);
}

/** The Response XML. Order matters: sign the assertion, then encrypt it, then sign the Response around it. */
export function buildSamlResponse(options: ResponseOptions = {}): string {
  const o = resolve(options);
  let xml = responseXml(o, o.includeAssertion ? assertionXml(o) : '');
  if (o.includeAssertion && (o.sign === 'assertion' || o.sign === 'both')) xml = signXml(xml, signWith(o, o.assertionId));
  if (o.includeAssertion && o.encrypt) xml = encryptAssertion(xml, o, o.encrypt);
  if (o.sign === 'response' || o.sign === 'both') xml = signXml(xml, signWith(o, o.responseId));
  return o.xmlDeclaration === false ? xml : `<?xml version="1.0" encoding="UTF-8"?>${xml}`;
}

/** A standalone Assertion element, signed unless sign is 'none' or 'response'. */
export function signedAssertionXml(options: ResponseOptions = {}): string {
  const o = resolve(options);
  const xml = assertionXml(o);
  return o.sign === 'none' || o.sign === 'response' ? xml : signXml(xml, signWith(o, o.assertionId));
}

/** The HTTP-POST binding value: plain base64 of the XML, never deflated. */
export function encodeSamlResponse(xml: string): string {
  return Buffer.from(xml, 'utf8').toString('base64');
}
