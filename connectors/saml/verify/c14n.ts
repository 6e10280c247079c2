// Exclusive XML Canonicalization 1.0 without comments (https://www.w3.org/TR/xml-exc-c14n/) over
// the verifier's own tree, so a digest is computed from the very nodes the checks then read. It is
// one recursive walk into an array of string parts. The namespaces already rendered by output
// ancestors live in a single mutable map that each element restores on its way out, instead of a
// copy per element: a SAML assertion declares namespaces on only a handful of its elements.
import type { XmlAttribute, XmlElement } from './tree.js';

export interface ExcC14nOptions {
  /** The PrefixList of an ec:InclusiveNamespaces element; `#default` names the default namespace. */
  readonly inclusivePrefixes?: readonly string[];
  /** An element of the subtree left out with everything in it (the enveloped-signature transform). */
  readonly exclude?: XmlElement;
}

interface Walk {
  readonly out: string[];
  /** Prefix ('' = default) -> URI as rendered by the nearest output ancestor that rendered it. */
  readonly rendered: Map<string, string>;
  /** Prefixes treated as in inclusive c14n, `#default` already turned into ''. */
  readonly inclusive: readonly string[];
  readonly exclude: XmlElement | undefined;
}

/** A declaration this element renders, with what it shadows so the walk can restore it. */
interface Rendered {
  readonly prefix: string;
  readonly uri: string;
  readonly previous: string | undefined;
}

export function excC14n(element: XmlElement, options: ExcC14nOptions = {}): string {
  if (element === options.exclude) return '';
  const inclusive = (options.inclusivePrefixes ?? []).map((p) => (p === '#default' ? '' : p));
  // No output ancestor: the default namespace counts as rendered empty, so xmlns="" is never output
  // at the apex and a no-namespace element needs no declaration (exc-c14n section 3, C14N 2.3).
  const walk: Walk = { out: [], rendered: new Map([['', '']]), inclusive, exclude: options.exclude };
  renderElement(element, walk);
  return walk.out.join('');
}

function renderElement(el: XmlElement, walk: Walk): void {
  const { out } = walk;
  out.push('<', el.tagName);
  const declared = renderNamespaces(el, walk);
  renderAttributes(el.attributes, out);
  out.push('>');
  for (const child of el.childNodes) {
    if (child.nodeType === 1) {
      if (child !== walk.exclude) renderElement(child, walk);
    } else if (child.nodeType === 3) {
      out.push(escape(child.value, TEXT_ESCAPES));
    } else if (child.nodeType === 7) {
      // C14N 2.3: the leading space only when the PI has a string value; PIs are not escaped.
      out.push('<?', child.target, child.data === '' ? '' : ' ', child.data, '?>');
    }
    // Comments (nodeType 8) are dropped: this is the without-comments variant.
  }
  out.push('</', el.tagName, '>');
  if (declared) {
    for (const ns of declared) {
      if (ns.previous === undefined) walk.rendered.delete(ns.prefix);
      else walk.rendered.set(ns.prefix, ns.previous);
    }
  }
}

/**
 * Renders the namespace declarations `el` needs: those it visibly utilizes (its own prefix, or the
 * default namespace when unprefixed, and its attributes' prefixes), and those of the inclusive
 * prefixes in scope, each unless the nearest output ancestor rendered the same value already.
 */
function renderNamespaces(el: XmlElement, walk: Walk): Rendered[] | undefined {
  let declared = consider(walk, undefined, el.prefix, el.namespaceURI);
  for (const attr of el.attributes) {
    if (attr.prefix !== '') declared = consider(walk, declared, attr.prefix, attr.namespaceURI);
  }
  for (const prefix of walk.inclusive) {
    // An absent default namespace is the empty one: that is how xmlns="" comes out in C14N.
    const uri = el.inScope.get(prefix) ?? (prefix === '' ? '' : undefined);
    if (uri !== undefined) declared = consider(walk, declared, prefix, uri);
  }
  if (!declared) return undefined;
  if (declared.length > 1) declared.sort((a, b) => compareCodePoints(a.prefix, b.prefix));
  for (const ns of declared) {
    walk.out.push(ns.prefix === '' ? ' xmlns="' : ` xmlns:${ns.prefix}="`, escape(ns.uri, ATTRIBUTE_ESCAPES), '"');
  }
  return declared;
}

function consider(walk: Walk, declared: Rendered[] | undefined, prefix: string, uri: string): Rendered[] | undefined {
  const previous = walk.rendered.get(prefix);
  // The xml prefix is bound by definition and never declared; an equal value is already in effect.
  if (previous === uri || prefix === 'xml') return declared;
  walk.rendered.set(prefix, uri);
  (declared ??= []).push({ prefix, uri, previous });
  return declared;
}

function renderAttributes(attributes: readonly XmlAttribute[], out: string[]): void {
  // C14N 2.2: namespace URI first (no namespace, '', sorts before any), then local name.
  const sorted = attributes.length > 1 ? [...attributes].sort(compareAttributes) : attributes;
  for (const attr of sorted) out.push(' ', attr.name, '="', escape(attr.value, ATTRIBUTE_ESCAPES), '"');
}

function compareAttributes(a: XmlAttribute, b: XmlAttribute): number {
  return compareCodePoints(a.namespaceURI, b.namespaceURI) || compareCodePoints(a.localName, b.localName);
}

/**
 * C14N orders by UCS code point; JS compares UTF-16 code units, which puts astral characters
 * (surrogates, D800-DFFF) before U+E000-U+FFFF. Shifting the two ranges past each other at the
 * first differing unit restores code point order.
 */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

const codePointRank = (unit: number) => (unit < 0xd800 ? unit : unit < 0xe000 ? unit + 0x2000 : unit - 0x800);

// C14N 2.3: what text and attribute values escape, indexed by character code (all below 63).
const TEXT_ESCAPES = escapeTable({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' });
const ATTRIBUTE_ESCAPES = escapeTable({ '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' });

function escapeTable(map: Record<string, string>): readonly (string | undefined)[] {
  const table: (string | undefined)[] = new Array(63).fill(undefined);
  for (const [char, entity] of Object.entries(map)) table[char.charCodeAt(0)] = entity;
  return table;
}

/** One pass over the value; returns it unchanged (no copy) when nothing needs escaping. */
function escape(value: string, table: readonly (string | undefined)[]): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const entity = code < 63 ? table[code] : undefined;
    if (entity === undefined) continue;
    out += value.slice(from, i) + entity;
    from = i + 1;
  }
  return from === 0 ? value : out + value.slice(from);
}
