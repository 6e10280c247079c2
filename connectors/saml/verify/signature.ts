// One enveloped XML-DSig signature of a SAML element, checked the way SAML uses it and no other:
// the single ds:Signature child of the element, one Reference to that element's own ID, exactly
// enveloped-signature + exclusive c14n, allow-listed algorithms, the digest compared in constant
// time, and the SignatureValue verified with a configured certificate's key (KeyInfo is never
// read). Nothing is looked up by name or path in the document: the signed element is the one
// whose bytes are canonicalized, so what is read afterwards is what was signed.
import { createHash, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { NS } from '../xml.js';
import { fail } from '../response/failure.js';
import { DIGEST_ALGORITHMS, ENVELOPED, EXC_C14N, SIGNATURE_ALGORITHMS } from './algorithms.js';
import { excC14n } from './c14n.js';
import type { XmlElement } from './tree.js';

const invalid = (detail: string): never => fail('saml_signature_invalid', detail);
const insecure = (what: string, algorithm: string): never =>
  fail('saml_insecure_algorithm', `${what} ${algorithm} is SHA-1; set insecure_allow_sha1 on the connection to accept it`);

/** Element children only, in order; text between them must be whitespace. */
function elementsOf(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const node of el.childNodes) {
    if (node.nodeType === 1) out.push(node);
    else if (node.nodeType === 3 && node.value.trim() !== '') invalid(`unexpected text inside ds:${el.localName}`);
  }
  return out;
}

function only(el: XmlElement, children: XmlElement[], localName: string, index: number): XmlElement {
  const child = children[index];
  if (!child || child.namespaceURI !== NS.ds || child.localName !== localName) invalid(`ds:${el.localName} must hold ds:${localName} at position ${index + 1}`);
  return child!;
}

/** The PrefixList of an exc-c14n method or transform's ec:InclusiveNamespaces, if any. */
function prefixesOf(method: XmlElement): string[] {
  const children = method.childNodes.filter((n): n is XmlElement => n.nodeType === 1);
  if (children.length === 0) return [];
  const [first] = children;
  if (children.length > 1 || first!.namespaceURI !== EXC_C14N || first!.localName !== 'InclusiveNamespaces') invalid('an exclusive c14n method holds something other than one InclusiveNamespaces');
  return (first!.getAttribute('PrefixList') ?? '').split(' ').filter((p) => p !== '');
}

function checkTransforms(reference: XmlElement, children: XmlElement[]): string[] {
  const transforms = elementsOf(only(reference, children, 'Transforms', 0));
  const algorithms = transforms.map((t) => (t.namespaceURI === NS.ds && t.localName === 'Transform' ? t.getAttribute('Algorithm') : null));
  if (algorithms.length !== 2 || algorithms[0] !== ENVELOPED || algorithms[1] !== EXC_C14N) {
    invalid(`the reference's transforms are [${algorithms.join(', ')}]; only enveloped-signature then exclusive c14n are accepted`);
  }
  if (elementsOf(transforms[0]!).length > 0) invalid('the enveloped-signature transform has content');
  return prefixesOf(transforms[1]!);
}

// Exactly one text node: xml-crypto reads only the first one, so a comment or PI splitting the
// value makes node-saml refuse, and the fast path must not be more lenient than the reference.
function base64Of(el: XmlElement, what: string): Buffer {
  if (el.childNodes.length !== 1 || el.childNodes[0]!.nodeType !== 3) invalid(`${what} must be plain text`);
  const text = el.textContent.replaceAll(' ', '').replaceAll('\n', '').replaceAll('\r', '').replaceAll('\t', '');
  const bytes = Buffer.from(text, 'base64');
  if (text.length === 0 || bytes.toString('base64') !== text) invalid(`${what} is not base64`);
  return bytes;
}

// XML 1.0 §2.3 NameChar, less the colon: the characters of an NCName.
const NAME_CHAR_RANGES: readonly (readonly [number, number])[] = [
  [0x2d, 0x2e], [0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a], [0xb7, 0xb7], [0xc0, 0xd6], [0xd8, 0xf6],
  [0xf8, 0x37d], [0x37f, 0x1fff], [0x200c, 0x200d], [0x203f, 0x2040], [0x2070, 0x218f], [0x2c00, 0x2fef],
  [0x3001, 0xd7ff], [0xf900, 0xfdcf], [0xfdf0, 0xfffd], [0x10000, 0xeffff],
];
const isNameChar = (c: number) => NAME_CHAR_RANGES.some(([lo, hi]) => c >= lo && c <= hi);

/**
 * A SAML ID is an xs:ID, which is an NCName: no space, quote, `#`, `&` or `<`, the characters that
 * let a value mean something else in a URI or an XPath (node-saml refuses a quote in the Reference
 * URI as XPath injection). The first character is not held to NameStartChar: IdPs send UUIDs as
 * IDs, digit first, and node-saml accepts them.
 */
function isIdValue(id: string): boolean {
  for (const ch of id) if (!isNameChar(ch.codePointAt(0)!)) return false;
  return true;
}

function checkDigest(signed: XmlElement, signature: XmlElement, reference: XmlElement, allowSha1: boolean): void {
  const id = signed.getAttribute('ID');
  if (id && !isIdValue(id)) fail('saml_reference_invalid', `the signed element's ID "${id}" is not made of XML name characters`);
  if (!id || reference.getAttribute('URI') !== `#${id}`) fail('saml_reference_invalid', `the signature's reference is "${reference.getAttribute('URI') ?? ''}", not "#${id ?? ''}" of the element that holds it`);
  const children = elementsOf(reference);
  if (children.length !== 3) invalid('a reference holds exactly Transforms, DigestMethod and DigestValue');
  const prefixes = checkTransforms(reference, children);
  const method = only(reference, children, 'DigestMethod', 1).getAttribute('Algorithm') ?? '';
  const digest = DIGEST_ALGORITHMS.get(method) ?? invalid(`digest algorithm ${method} is not accepted`);
  if (digest.sha1 && !allowSha1) insecure('DigestMethod', method);
  const expected = base64Of(only(reference, children, 'DigestValue', 2), 'DigestValue');
  const actual = createHash(digest.hash).update(excC14n(signed, { inclusivePrefixes: prefixes, exclude: signature })).digest();
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) invalid('the digest of the signed element does not match (it was changed after signing)');
}

/**
 * A ds:Transform anywhere in the signature but the reference's two: node-saml counts every
 * ds:Transform below the Signature (KeyInfo included, which the fast path otherwise never reads)
 * and refuses more than two, so an element hidden in KeyInfo must not pass here either. The
 * subtree is a dozen elements and a certificate.
 */
function refuseStrayTransforms(signature: XmlElement): void {
  let count = 0;
  const walk = (el: XmlElement): void => {
    for (const node of el.childNodes) {
      if (node.nodeType !== 1) continue;
      if (node.namespaceURI === NS.ds && node.localName === 'Transform') count++;
      walk(node);
    }
  };
  walk(signature);
  if (count > 2) invalid(`the signature holds ${count} ds:Transform elements; only the reference's two are accepted`);
}

/**
 * `false` when the element carries no signature; `true` when its signature verifies with one of
 * `keys`; anything else throws a CheckFailure.
 */
export function verifyEnvelopedSignature(signed: XmlElement, keys: readonly KeyObject[], allowSha1: boolean): boolean {
  const signatures = signed.childNodes.filter((n): n is XmlElement => n.nodeType === 1 && n.namespaceURI === NS.ds && n.localName === 'Signature');
  if (signatures.length === 0) return false;
  if (signatures.length > 1) invalid(`${signed.localName} holds ${signatures.length} signatures; exactly one is accepted`);
  const signature = signatures[0]!;
  const parts = elementsOf(signature);
  const info = only(signature, parts, 'SignedInfo', 0);
  const value = base64Of(only(signature, parts, 'SignatureValue', 1), 'SignatureValue');
  if (parts.slice(2).some((p) => p.namespaceURI !== NS.ds || p.localName !== 'KeyInfo')) invalid('a signature holds something other than SignedInfo, SignatureValue and KeyInfo');
  const infoParts = elementsOf(info);
  if (infoParts.length !== 3) invalid(`SignedInfo holds ${Math.max(0, infoParts.length - 2)} references; exactly one is accepted`);
  const c14n = only(info, infoParts, 'CanonicalizationMethod', 0);
  if (c14n.getAttribute('Algorithm') !== EXC_C14N) invalid(`canonicalization ${c14n.getAttribute('Algorithm') ?? ''} is not exclusive c14n`);
  const methodName = only(info, infoParts, 'SignatureMethod', 1).getAttribute('Algorithm') ?? '';
  const method = SIGNATURE_ALGORITHMS.get(methodName) ?? invalid(`signature algorithm ${methodName} is not accepted`);
  if (method.sha1 && !allowSha1) insecure('SignatureMethod', methodName);
  const reference = only(info, infoParts, 'Reference', 2);
  refuseStrayTransforms(signature);
  checkDigest(signed, signature, reference, allowSha1);
  const canonicalInfo = Buffer.from(excC14n(info, { inclusivePrefixes: prefixesOf(c14n) }), 'utf8');
  const verifies = (key: KeyObject) =>
    key.asymmetricKeyType === method.key && verify(method.hash, canonicalInfo, method.key === 'ec' ? { key, dsaEncoding: 'ieee-p1363' } : key, value);
  if (!keys.some(verifies)) invalid('the signature does not verify with any configured IdP certificate');
  return true;
}
