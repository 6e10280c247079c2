// The fast verifier's document model: one saxes pass over the response into a minimal tree that
// keeps what exclusive c14n needs (namespace declarations and attributes in document order, text,
// comments and processing instructions as they were) and no more. Hostile input is refused while
// parsing: a DOCTYPE (so no entity can ever be declared, let alone expanded), more depth, nodes
// or attributes than a SAML response has; duplicate ID attributes (the root of signature
// wrapping) are noted for the verifier to refuse after its structure checks. Elements offer the small DOM subset the shared SAML checks read (SamlElement), so
// the same checks run on this tree and on xmldom's.
import { SaxesParser, type SaxesTagNS } from 'saxes';
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
  /** Decoded character data; CDATA sections are text like any other. */
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

export function parseTree(xml: string, what = 'the SAML response'): XmlTree {
  const parser = new SaxesParser({ xmlns: true, position: false });
  const ids = new Map<string, XmlElement>();
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let nodes = 0;
  let duplicateId: string | undefined;
  const malformed = (why: string): never => fail('saml_response_malformed', `${what} is not acceptable XML: ${why}`);
  const append = (node: XmlNode) => {
    if (++nodes > TREE_LIMITS.maxNodes) malformed(`more than ${TREE_LIMITS.maxNodes} nodes`);
    const parent = stack.at(-1);
    // Outside the root only comments, PIs and whitespace are well-formed; none of them matter.
    if (parent) parent.childNodes.push(node);
  };

  parser.on('doctype', () => fail('saml_doctype_forbidden', `${what} contains a DOCTYPE, which is refused`));
  parser.on('opentag', (tag) => {
    if (stack.length >= TREE_LIMITS.maxDepth) malformed(`nested deeper than ${TREE_LIMITS.maxDepth} elements`);
    const el = elementOf(tag as SaxesTagNS, stack.at(-1), malformed);
    append(el);
    if (!root) root = el;
    const id = el.getAttribute('ID');
    if (id !== null) {
      if (ids.has(id)) duplicateId ??= id;
      else ids.set(id, el);
    }
    stack.push(el);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (value) => {
    if (stack.length > 0) append({ nodeType: 3, value });
  });
  parser.on('cdata', (value) => {
    if (stack.length > 0) append({ nodeType: 3, value });
  });
  parser.on('comment', (value) => append({ nodeType: 8, value }));
  parser.on('processinginstruction', ({ target, body }) => append({ nodeType: 7, target: target ?? '', data: body }));
  try {
    parser.write(xml).close();
  } catch (error) {
    if (error instanceof Error && error.name === 'CheckFailure') throw error;
    malformed(error instanceof Error ? error.message : String(error));
  }
  if (!root) malformed('no root element');
  return { documentElement: root!, ids, duplicateId };
}

function elementOf(tag: SaxesTagNS, parent: XmlElement | undefined, malformed: (why: string) => never): XmlElement {
  const attributes: XmlAttribute[] = [];
  const namespaces: XmlNamespace[] = [];
  const all = Object.values(tag.attributes);
  if (all.length > TREE_LIMITS.maxAttributes) malformed(`an element with more than ${TREE_LIMITS.maxAttributes} attributes`);
  for (const a of all) {
    if (a.uri === XMLNS_NS) namespaces.push({ prefix: a.prefix === 'xmlns' ? a.local : '', uri: a.value });
    else attributes.push({ name: a.name, prefix: a.prefix, localName: a.local, namespaceURI: a.uri, value: a.value });
  }
  let inScope = parent?.inScope ?? ROOT_SCOPE;
  if (namespaces.length > 0) {
    const next = new Map(inScope);
    for (const ns of namespaces) next.set(ns.prefix, ns.uri);
    inScope = next;
  }
  return new XmlElement(tag.name, tag.prefix, tag.local, tag.uri, attributes, namespaces, inScope, parent);
}
