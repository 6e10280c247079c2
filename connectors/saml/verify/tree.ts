// The fast verifier's document model: one pass of @rgrove/parse-xml (a strict XML 1.0 parser that
// knows no DTDs: an undefined entity is an error), then namespaces resolved into a minimal tree
// that keeps what exclusive c14n needs (namespace declarations and attributes in document order,
// text, comments and processing instructions as they were) and no more. Refused: a DOCTYPE (so no
// entity is ever declared, let alone expanded), unbound prefixes, more depth, nodes or attributes
// than a SAML response has, and whitespace before the `>` of an end tag (which xmldom, under
// node-saml, misreads); duplicate ID attributes (the root of signature wrapping) are noted for the
// verifier to refuse after its structure checks. A CDATA section stays a text node of its own,
// not merged with the text beside it, so a value split by one is seen as split. Elements offer
// the small DOM subset the shared SAML checks read (SamlElement), so the same checks run on this
// tree and on xmldom's.
import { parseXml, type XmlComment as ParsedComment, type XmlElement as ParsedElement, type XmlProcessingInstruction as ParsedInstruction, type XmlText as ParsedText } from '@rgrove/parse-xml';
import { fail } from '../response/failure.js';

export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export const TREE_LIMITS = { maxDepth: 64, maxNodes: 20_000, maxAttributes: 64 } as const;

export interface XmlAttribute {
  /** Qualified name as written (`ID`, `xsi:type`). */
  readonly name: string;
  readonly prefix: string;
  readonly localName: string;
  /** '' for an unprefixed attribute (no namespace). */
  readonly namespaceURI: string;
  readonly value: string;
}

export interface XmlNamespace {
  /** '' for the default namespace. */
  readonly prefix: string;
  readonly uri: string;
}

export interface XmlText {
  readonly nodeType: 3;
  /**
   * Decoded character data. A CDATA section is text like any other (as in c14n), but one node per
   * section: xml-crypto reads the first text node of a SignatureValue only, and the fast path must
   * see the same boundaries to refuse a split value.
   */
  readonly value: string;
}
export interface XmlComment {
  readonly nodeType: 8;
  readonly value: string;
}
export interface XmlInstruction {
  readonly nodeType: 7;
  readonly target: string;
  readonly data: string;
}
export type XmlNode = XmlElement | XmlText | XmlComment | XmlInstruction;

export class XmlElement {
  readonly nodeType = 1 as const;
  readonly childNodes: XmlNode[] = [];
  constructor(
    readonly tagName: string,
    readonly prefix: string,
    readonly localName: string,
    readonly namespaceURI: string,
    /** Attributes other than namespace declarations, in document order. */
    readonly attributes: readonly XmlAttribute[],
    /** Namespace declarations made on this element, in document order. */
    readonly namespaces: readonly XmlNamespace[],
    /** Every prefix in scope here (inherited ones included), '' for the default namespace. */
    readonly inScope: ReadonlyMap<string, string>,
    readonly parent: XmlElement | undefined,
  ) {}

  getAttribute(name: string): string | null {
    return this.attributes.find((a) => a.name === name)?.value ?? null;
  }
  hasAttribute(name: string): boolean {
    return this.attributes.some((a) => a.name === name);
  }
  getAttributeNS(ns: string | null, localName: string): string | null {
    return this.attributes.find((a) => a.namespaceURI === (ns ?? '') && a.localName === localName)?.value ?? null;
  }
  get textContent(): string {
    let out = '';
    for (const node of this.childNodes) {
      if (node.nodeType === 3) out += node.value;
      else if (node.nodeType === 1) out += node.textContent;
    }
    return out;
  }
  /** Descendants (not this element) in document order, as DOM's getElementsByTagNameNS. */
  getElementsByTagNameNS(ns: string, localName: string): XmlElement[] {
    const found: XmlElement[] = [];
    const walk = (el: XmlElement) => {
      for (const node of el.childNodes) {
        if (node.nodeType !== 1) continue;
        if (node.namespaceURI === ns && node.localName === localName) found.push(node);
        walk(node);
      }
    };
    walk(this);
    return found;
  }
}

export interface XmlTree {
  readonly documentElement: XmlElement;
  /** Every element carrying an `ID` attribute, by its value (the first one, if there are several). */
  readonly ids: ReadonlyMap<string, XmlElement>;
  /** An ID value carried by two elements: the verifier refuses the document before any crypto. */
  readonly duplicateId: string | undefined;
}

const ROOT_SCOPE: ReadonlyMap<string, string> = new Map([['xml', XML_NS]]);

interface Build {
  readonly what: string;
  readonly xml: string;
  readonly ids: Map<string, XmlElement>;
  readonly seen: Set<string>;
  duplicateId: string | undefined;
  nodes: number;
}

const malformed = (b: Build, why: string): never => fail('saml_response_malformed', `${b.what} is not acceptable XML: ${why}`);

export function parseTree(xml: string, what = 'the SAML response'): XmlTree {
  let doc: ReturnType<typeof parseXml>;
  try {
    // Offsets: to see an end tag's last characters (refuseEndTagWhitespace). CDATA: see XmlText.
    doc = parseXml(xml, { preserveComments: true, preserveDocumentType: true, preserveCdata: true, includeOffsets: true });
  } catch (error) {
    // An entity declared in a DOCTYPE fails as "undefined entity": name the real cause.
    if (xml.includes('<!DOCTYPE')) fail('saml_doctype_forbidden', `${what} contains a DOCTYPE, which is refused`);
    // parse-xml's own errors, and a RangeError from nesting deep enough to exhaust the stack.
    return fail('saml_response_malformed', `${what} is not acceptable XML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (doc.children.some((n) => n.type === 'doctype')) fail('saml_doctype_forbidden', `${what} contains a DOCTYPE, which is refused`);
  const b: Build = { what, xml, ids: new Map(), seen: new Set(), duplicateId: undefined, nodes: 0 };
  const source = doc.children.find((n): n is ParsedElement => n.type === 'element');
  if (!source) return malformed(b, 'no root element');
  const documentElement = elementOf(source, undefined, 1, b);
  return { documentElement, ids: b.ids, duplicateId: b.duplicateId };
}

function elementOf(source: ParsedElement, parent: XmlElement | undefined, depth: number, b: Build): XmlElement {
  if (depth > TREE_LIMITS.maxDepth) malformed(b, `nested deeper than ${TREE_LIMITS.maxDepth} elements`);
  if (++b.nodes > TREE_LIMITS.maxNodes) malformed(b, `more than ${TREE_LIMITS.maxNodes} nodes`);
  const names = Object.keys(source.attributes);
  if (names.length > TREE_LIMITS.maxAttributes) malformed(b, `an element with more than ${TREE_LIMITS.maxAttributes} attributes`);
  const namespaces: XmlNamespace[] = [];
  for (const name of names) {
    if (name === 'xmlns') namespaces.push({ prefix: '', uri: source.attributes[name]! });
    else if (name.startsWith('xmlns:')) namespaces.push(declaration(name.slice(6), source.attributes[name]!, b));
  }
  let inScope = parent?.inScope ?? ROOT_SCOPE;
  if (namespaces.length > 0) {
    const next = new Map(inScope);
    for (const ns of namespaces) next.set(ns.prefix, ns.uri);
    inScope = next;
  }
  const [prefix, localName] = split(source.name, b);
  const uri = inScope.get(prefix) ?? (prefix === '' ? '' : malformed(b, `the prefix "${prefix}" of <${source.name}> is not declared`));
  const attributes = attributesOf(source, names, inScope, b);
  const el = new XmlElement(source.name, prefix, localName, uri, attributes, namespaces, inScope, parent);
  refuseEndTagWhitespace(source, b);
  recordIds(el, b);
  for (const child of source.children) {
    if (child.type === 'element') el.childNodes.push(elementOf(child as ParsedElement, el, depth + 1, b));
    else if (child.type === 'text' || child.type === 'cdata') el.childNodes.push({ nodeType: 3, value: (child as ParsedText).text });
    else if (child.type === 'comment') el.childNodes.push({ nodeType: 8, value: (child as ParsedComment).content });
    else if (child.type === 'pi') el.childNodes.push({ nodeType: 7, target: (child as ParsedInstruction).name, data: (child as ParsedInstruction).content });
    if (child.type !== 'element' && ++b.nodes > TREE_LIMITS.maxNodes) malformed(b, `more than ${TREE_LIMITS.maxNodes} nodes`);
  }
  return el;
}

const isXmlSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * `</name >`: XML 1.0 §3.1 allows whitespace before the `>` of an end tag, but xmldom 0.8 (which
 * node-saml and xml-crypto parse with) misreads it. Its `fixSelfClosed` looks for the last literal
 * `</name>` once per name and takes every later start tag of that name as self-closing, so
 * `<a><b>v</b><b>w</b ></a>` becomes `<a><b>v</b><b/>w</a>`: content leaves its element, and
 * node-saml checks, or reads, another tree than the one written. No IdP's serializer writes such
 * an end tag, so the shape is refused outright rather than guessing when xmldom goes wrong. The
 * check is O(1) per element: the character before the element's last `>` (for `<a/>` and `<a />`
 * it is the `/`).
 */
function refuseEndTagWhitespace(source: ParsedElement, b: Build): void {
  if (isXmlSpace(b.xml.charCodeAt(source.end - 2))) {
    fail('saml_response_malformed', `${b.what} has whitespace before ">" in the end tag of <${source.name}>, which xmldom misreads; it is refused`);
  }
}

// xml-crypto resolves a reference by `ID`, `Id`, `id` or WS-Security's `wsu:Id` alike, so a value carried under any of
// them by two elements is a duplicate (the element's own reference uses `ID` only).
const WSU_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';

function recordIds(el: XmlElement, b: Build): void {
  for (const name of ['ID', 'Id', 'id', 'wsu:Id']) {
    const value = name === 'wsu:Id' ? el.getAttributeNS(WSU_NS, 'Id') : el.getAttribute(name);
    if (value === null) continue;
    if (b.seen.has(value)) b.duplicateId ??= value;
    b.seen.add(value);
    if (name === 'ID' && !b.ids.has(value)) b.ids.set(value, el);
  }
}

// Namespaces in XML 1.0 §3: `xml` may only name its own URI, `xmlns` never, and a prefix cannot be undeclared.
function declaration(prefix: string, uri: string, b: Build): XmlNamespace {
  if (prefix === 'xmlns' || uri === XMLNS_NS || (prefix === 'xml') !== (uri === XML_NS)) malformed(b, `the namespace declaration xmlns:${prefix}="${uri}" is not allowed`);
  if (uri === '') malformed(b, `xmlns:${prefix}="" undeclares a prefix, which XML 1.0 namespaces do not allow`);
  return { prefix, uri };
}

function split(name: string, b: Build): [string, string] {
  const colon = name.indexOf(':');
  if (colon === -1) return ['', name];
  if (colon === 0 || colon === name.length - 1 || name.indexOf(':', colon + 1) !== -1) malformed(b, `"${name}" is not a qualified name`);
  return [name.slice(0, colon), name.slice(colon + 1)];
}

function attributesOf(source: ParsedElement, names: string[], inScope: ReadonlyMap<string, string>, b: Build): XmlAttribute[] {
  const attributes: XmlAttribute[] = [];
  const expanded = new Set<string>();
  for (const name of names) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const [prefix, localName] = split(name, b);
    // Unprefixed attributes are in no namespace; a prefixed one must be bound.
    const uri = prefix === '' ? '' : (inScope.get(prefix) ?? malformed(b, `the prefix "${prefix}" of the attribute ${name} is not declared`));
    const key = `${uri} ${localName}`;
    if (expanded.has(key)) malformed(b, `the attribute ${localName} appears twice in namespace ${uri}`);
    expanded.add(key);
    attributes.push({ name, prefix, localName, namespaceURI: uri, value: source.attributes[name]! });
  }
  return attributes;
}
