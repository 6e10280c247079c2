// The one place connectors/saml parses XML that is not a SAML response (metadata: IdP uploads and
// our own output in tests). SAML responses go through node-saml or the fast verifier's own tree;
// the helpers at the end read either, through the small DOM subset SamlElement names.
// Metadata is admin-supplied or fetched from a URL, so it is hostile input: refuse DTDs before the
// parser sees them (entity expansion, external entities), cap the size, and treat every parser
// complaint as fatal, because xmldom otherwise "repairs" broken markup by guessing.
import { DOMParser } from '@xmldom/xmldom';
import { InvalidRequest } from '../../src/errors.js';

export const NS = {
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
} as const;

export const BINDINGS = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
} as const;

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/** Every metadata refusal carries the same code, so clients can branch on it. */
export function metadataInvalid(message: string, options: { detail?: string; status?: 400 | 413 } = {}): InvalidRequest {
  return new InvalidRequest(message, { code: 'saml_metadata_invalid', ...options });
}

/**
 * Parses `xml` into a DOM, refusing anything that is not plain, well-formed XML.
 * `what` is the subject of every error sentence, e.g. "This metadata".
 */
export function parseXmlDocument(xml: string, what: string, maxBytes: number): Document {
  refuseOversized(xml, what, maxBytes);
  refuseDeclarations(xml, what);
  if (xml.trim() === '') throw metadataInvalid(`${what} is empty or is not XML`);
  const doc = parseStrictly(xml, what);
  const root = doc.documentElement;
  if (!root) throw metadataInvalid(`${what} is empty or is not XML`);
  refuseStrayText(doc, what);
  return doc;
}

function refuseOversized(xml: string, what: string, maxBytes: number): void {
  const bytes = Buffer.byteLength(xml, 'utf8');
  if (bytes > maxBytes) {
    throw metadataInvalid(`${what} is too large (${bytes} bytes; the limit is ${maxBytes} bytes)`, { status: 413 });
  }
}

// A plain text scan, before parsing: legitimate metadata never needs a DTD, and refusing on sight
// means no parser quirk can ever expand an entity. It also trips on the words inside a comment,
// which is an acceptable false positive.
function refuseDeclarations(xml: string, what: string): void {
  if (/<!DOCTYPE\s+html/i.test(xml)) {
    throw metadataInvalid(`${what} looks like an HTML web page, not XML (was the address a sign-in page?)`);
  }
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    throw metadataInvalid(`${what} contains a DOCTYPE or ENTITY declaration, which is refused for safety (SAML metadata never needs one)`);
  }
}

function parseStrictly(xml: string, what: string): Document {
  // xmldom reports a problem, then catches what our handler throws and reports it again, wrapped;
  // keep the first report, which is the one that names the real problem.
  let first: string | undefined;
  const complain = (level: string, message: unknown): never => {
    first ??= `${level}: ${String(message)}`;
    throw new SyntaxError(first);
  };
  try {
    return new DOMParser({ locator: {}, errorHandler: complain }).parseFromString(xml, 'text/xml');
  } catch (error) {
    if (first === undefined) throw error;
    throw metadataInvalid(`${what} is not well-formed XML${lineOf(first)}`, { detail: first });
  }
}

function lineOf(report: string): string {
  const line = Number(/\[line:(\d+),/.exec(report)?.[1] ?? 0);
  return line > 0 ? ` (near line ${line})` : '';
}

// xmldom accepts text before or after the root element; a well-formed document has none.
function refuseStrayText(doc: Document, what: string): void {
  for (const node of Array.from(doc.childNodes)) {
    if (node.nodeType === TEXT_NODE && (node.nodeValue ?? '').trim() !== '') {
      throw metadataInvalid(`${what} is not well-formed XML (there is text outside the root element)`);
    }
  }
}

/** What the shared SAML checks read of an element: met by xmldom's Element and by verify/tree.ts. */
export interface SamlElement {
  readonly nodeType: number;
  readonly namespaceURI: string | null;
  readonly localName: string | null;
  readonly tagName: string;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<{ readonly nodeType: number }>;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  getAttributeNS(namespace: string | null, localName: string): string | null;
  getElementsByTagNameNS(namespace: string, localName: string): ArrayLike<SamlElement>;
}

/**
 * Direct element children only: descendants would pick up elements from nested signatures and
 * extensions. A missing parent has no children, so lookups chain without a check at every step.
 */
export function childrenNS<E extends SamlElement>(parent: E | undefined, ns: string, localName: string): E[] {
  const found: E[] = [];
  if (parent === undefined) return found;
  for (const node of Array.from(parent.childNodes)) {
    if (node.nodeType !== ELEMENT_NODE) continue;
    const el = node as unknown as E;
    if (el.namespaceURI === ns && el.localName === localName) found.push(el);
  }
  return found;
}

export function firstChildNS<E extends SamlElement>(parent: E | undefined, ns: string, localName: string): E | undefined {
  return childrenNS(parent, ns, localName)[0];
}

export function textOf(el: SamlElement): string {
  return (el.textContent ?? '').trim();
}

/** xmldom's getAttribute returns '' for a missing attribute; callers need to tell the two apart. */
export function attributeOf(el: SamlElement, name: string): string | undefined {
  return el.hasAttribute(name) ? el.getAttribute(name) ?? '' : undefined;
}

export function isElement(el: SamlElement, ns: string, localName: string): boolean {
  return el.namespaceURI === ns && el.localName === localName;
}
