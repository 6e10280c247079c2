// The two SAML bindings an SP sends an AuthnRequest on, decoded as strictly as a real IdP would:
// HTTP-Redirect is base64 of raw DEFLATE with the signature over the query octets; HTTP-POST is
// plain base64 with an enveloped XML signature. Anything malformed is a BadRequest (HTTP 400).
import { X509Certificate, verify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import { NS, SIGNATURE_ALGORITHMS, parseXml } from './xml.js';

export interface RecordedAuthnRequest {
  binding: 'redirect' | 'post';
  xml: string;
  id: string;
  issuer: string | null;
  acsUrl: string | null;
  protocolBinding: string | null;
  destination: string | null;
  forceAuthn: boolean;
  isPassive: boolean;
  nameIdPolicyFormat: string | null;
  relayState: string | undefined;
  signed: boolean;
  sigAlg: string | undefined;
  /** null when unsigned or when no spCertificate was given to check it with. */
  signatureValid: boolean | null;
}

export class BadRequest extends Error {}

const HASH_FOR_SIGALG: Record<string, string> = {
  [SIGNATURE_ALGORITHMS['rsa-sha1']]: 'sha1',
  [SIGNATURE_ALGORITHMS['rsa-sha256']]: 'sha256',
  [SIGNATURE_ALGORITHMS['rsa-sha512']]: 'sha512',
};

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new BadRequest('malformed percent-encoding in the query');
  }
}

/** Raw (still URL-encoded) query values: the Redirect signature covers these exact octets. */
function rawQueryParams(rawQuery: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of rawQuery.split('&')) {
    const eq = part.indexOf('=');
    const name = formDecode(eq < 0 ? part : part.slice(0, eq));
    if (!params.has(name)) params.set(name, eq < 0 ? '' : part.slice(eq + 1));
  }
  return params;
}

/** SAML bindings 3.4.4.1: the signature is over "SAMLRequest=..&RelayState=..&SigAlg=.." as sent. */
function verifyRedirectSignature(raw: Map<string, string>, certificate: string): boolean {
  const hash = HASH_FOR_SIGALG[formDecode(raw.get('SigAlg') ?? '')];
  if (!hash) return false;
  const octets = ['SAMLRequest', 'RelayState', 'SigAlg'].filter((k) => raw.has(k)).map((k) => `${k}=${raw.get(k)}`).join('&');
  const signature = Buffer.from(formDecode(raw.get('Signature') ?? ''), 'base64');
  return verify(hash, Buffer.from(octets, 'utf8'), new X509Certificate(certificate).publicKey, signature);
}

/** An enveloped signature that verifies and whose reference is the AuthnRequest itself. */
function verifyPostSignature(xml: string, signature: Element, rootId: string, certificate: string): boolean {
  try {
    const checker = new SignedXml({ publicCert: certificate });
    checker.loadSignature(signature);
    return checker.checkSignature(xml) && checker.getReferences().every((ref) => ref.uri.replace(/^#/, '') === rootId);
  } catch {
    return false;
  }
}

function inflateToXml(base64: string): string {
  try {
    return inflateRawSync(Buffer.from(base64, 'base64')).toString('utf8');
  } catch {
    throw new BadRequest('SAMLRequest is not DEFLATE-compressed (HTTP-Redirect requires it)');
  }
}

/** HTTP-POST carries plain base64; a deflated body is an SP bug, so it is refused rather than repaired. */
function postBodyToXml(base64: string): string {
  const xml = Buffer.from(base64, 'base64').toString('utf8');
  try {
    parseXml(xml);
    return xml;
  } catch {
    let inflated = false;
    try {
      inflated = inflateRawSync(Buffer.from(base64, 'base64')).length > 0;
    } catch {}
    throw new BadRequest(inflated ? 'SAMLRequest is deflated, which HTTP-POST forbids' : 'SAMLRequest is not XML');
  }
}

function childElement(root: Element, ns: string, local: string): Element | null {
  return Array.from(root.childNodes).find((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === local) ?? null;
}

function parseAuthnRequest(xml: string) {
  let root: Element;
  try {
    root = parseXml(xml).documentElement;
  } catch (error) {
    throw new BadRequest(String((error as Error).message));
  }
  if (root.namespaceURI !== NS.samlp || root.localName !== 'AuthnRequest') throw new BadRequest(`expected samlp:AuthnRequest, got ${root.tagName}`);
  const id = root.getAttribute('ID');
  if (!id) throw new BadRequest('AuthnRequest has no ID');
  const attr = (name: string) => root.getAttribute(name) || null;
  return {
    root,
    id,
    issuer: childElement(root, NS.saml, 'Issuer')?.textContent?.trim() ?? null,
    acsUrl: attr('AssertionConsumerServiceURL'),
    protocolBinding: attr('ProtocolBinding'),
    destination: attr('Destination'),
    forceAuthn: root.getAttribute('ForceAuthn') === 'true',
    isPassive: root.getAttribute('IsPassive') === 'true',
    nameIdPolicyFormat: childElement(root, NS.samlp, 'NameIDPolicy')?.getAttribute('Format') || null,
  };
}

/** Decodes and records a GET <sso>?SAMLRequest=…; the signature is checked when spCertificate is given. */
export function readRedirectBinding(rawQuery: string, spCertificate?: string): RecordedAuthnRequest {
  const raw = rawQueryParams(rawQuery);
  const samlRequest = raw.get('SAMLRequest');
  if (!samlRequest) throw new BadRequest('missing SAMLRequest');
  const xml = inflateToXml(formDecode(samlRequest));
  const { root: _root, ...parsed } = parseAuthnRequest(xml);
  const signed = raw.has('Signature');
  const relayState = raw.has('RelayState') ? formDecode(raw.get('RelayState')!) : undefined;
  const sigAlg = raw.has('SigAlg') ? formDecode(raw.get('SigAlg')!) : undefined;
  const signatureValid = signed && spCertificate ? verifyRedirectSignature(raw, spCertificate) : null;
  return { binding: 'redirect', xml, ...parsed, relayState, signed, sigAlg, signatureValid };
}

/** Decodes and records a POST <sso> form body; the signature is checked when spCertificate is given. */
export function readPostBinding(body: Record<string, unknown>, spCertificate?: string): RecordedAuthnRequest {
  if (typeof body.SAMLRequest !== 'string' || !body.SAMLRequest) throw new BadRequest('missing SAMLRequest');
  const xml = postBodyToXml(body.SAMLRequest);
  const { root, ...parsed } = parseAuthnRequest(xml);
  const signature = Array.from(root.childNodes).find((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === NS.ds && (n as Element).localName === 'Signature');
  const sigAlg = signature?.getElementsByTagNameNS(NS.ds, 'SignatureMethod').item(0)?.getAttribute('Algorithm') ?? undefined;
  const signatureValid = signature && spCertificate ? verifyPostSignature(xml, signature, parsed.id, spCertificate) : null;
  const relayState = typeof body.RelayState === 'string' ? body.RelayState : undefined;
  return { binding: 'post', xml, ...parsed, relayState, signed: !!signature, sigAlg, signatureValid };
}
