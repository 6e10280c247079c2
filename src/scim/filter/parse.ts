// SCIM filters and PATCH paths, parsed by recursive descent over tokens.ts. Precedence is
// `not` > `and` > `or` (RFC 7644 §3.4.2.2); limits on length, depth and size keep hostile
// filters cheap to refuse.
import { badRequest, type ScimType } from '../errors.js';
import type { AttrPath, CompareOp, FilterNode, PatchPath } from './ast.js';
import { tokenize, type Token } from './tokens.js';

const COMPARE_OPS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const MAX_DEPTH = 32;
const MAX_COMPARISONS = 200;
const NAME = /^[A-Za-z][A-Za-z0-9_-]*$|^\$ref$/;
// A schema prefix is a URN (`urn:<namespace>:<rest>`): `urn:foo` is a bad name, not a schema.
const SCHEMA = /^urn:[A-Za-z0-9][A-Za-z0-9-]*:./i;

/** `urn:...:User:name.givenName` -> schema, attribute, subAttribute. */
export function parseAttrPath(text: string, scimType: ScimType = 'invalidFilter'): AttrPath {
  const fail = () => badRequest(scimType, `"${text}" is not an attribute path`);
  let schema: string | undefined;
  let rest = text;
  if (/^urn:/i.test(text)) {
    const cut = text.lastIndexOf(':');
    schema = text.slice(0, cut);
    rest = text.slice(cut + 1);
    if (!SCHEMA.test(schema)) throw fail();
  }
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((p) => NAME.test(p))) throw fail();
  const path: AttrPath = { attribute: parts[0] as string };
  if (schema !== undefined) path.schema = schema;
  if (parts[1] !== undefined) path.subAttribute = parts[1];
  return path;
}

class Parser {
  private i = 0;
  private comparisons = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly scimType: ScimType,
  ) {}

  fail(message: string, token = this.peek()): never {
    const where = token.kind === 'end' ? 'at the end' : `at position ${token.at + 1}`;
    throw badRequest(this.scimType, `Invalid ${this.scimType === 'invalidPath' ? 'path' : 'filter'}: ${message} ${where}`);
  }
  peek(): Token {
    return this.tokens[this.i] as Token;
  }
  next(): Token {
    return this.tokens[this.i++] as Token;
  }
  keyword(word: string): boolean {
    const t = this.peek();
    if (t.kind === 'word' && t.text.toLowerCase() === word) return (this.i++, true);
    return false;
  }
  expect(kind: Token['kind'], what: string): void {
    if (this.peek().kind !== kind) this.fail(`expected ${what}`);
    this.i++;
  }

  or(depth: number): FilterNode {
    if (depth > MAX_DEPTH) this.fail('nested too deeply');
    let left = this.and(depth);
    while (this.keyword('or')) left = { kind: 'or', left, right: this.and(depth) };
    return left;
  }
  and(depth: number): FilterNode {
    let left = this.unary(depth);
    while (this.keyword('and')) left = { kind: 'and', left, right: this.unary(depth) };
    return left;
  }
  unary(depth: number): FilterNode {
    if (this.keyword('not')) {
      if (this.peek().kind !== '(') this.fail('"not" must be followed by a parenthesised filter');
      return { kind: 'not', operand: this.unary(depth + 1) };
    }
    if (this.peek().kind === '(') {
      this.next();
      const inner = this.or(depth + 1);
      this.expect(')', '")"');
      return inner;
    }
    return this.comparison(depth);
  }
  comparison(depth: number): FilterNode {
    const t = this.next();
    if (t.kind !== 'word') this.fail('expected an attribute name', t);
    const path = parseAttrPath(t.text, this.scimType);
    if (this.peek().kind === '[') {
      if (this.inBrackets) this.fail('brackets cannot nest');
      if (path.subAttribute !== undefined) this.fail('a value filter applies to an attribute, not a sub-attribute');
      this.next();
      this.inBrackets = true;
      const filter = this.or(depth + 1);
      this.inBrackets = false;
      this.expect(']', '"]"');
      return { kind: 'valuePath', path, filter };
    }
    if (++this.comparisons > MAX_COMPARISONS) this.fail(`more than ${MAX_COMPARISONS} comparisons`);
    const op = this.next();
    if (op.kind !== 'word') this.fail('expected an operator', op);
    const name = op.text.toLowerCase();
    if (name === 'pr') return { kind: 'present', path };
    if (!COMPARE_OPS.has(name)) this.fail(`unknown operator "${op.text}"`, op);
    const value = this.next();
    if (value.kind !== 'value') this.fail(`operator "${op.text}" needs a value`, value);
    return { kind: 'compare', path, op: name as CompareOp, value: value.value };
  }
  inBrackets = false;
}

export function parseFilter(text: string): FilterNode {
  const parser: Parser = new Parser(tokenize(text, 'invalidFilter'), 'invalidFilter');
  if (parser.peek().kind === 'end') parser.fail('empty filter');
  const node = parser.or(0);
  if (parser.peek().kind !== 'end') parser.fail('unexpected text');
  return node;
}

/** `members`, `name.familyName`, `emails[type eq "work"].value`, `urn:...:User:manager`. */
export function parsePatchPath(text: string): PatchPath {
  const parser: Parser = new Parser(tokenize(text, 'invalidPath'), 'invalidPath');
  const first = parser.next();
  if (first.kind !== 'word') parser.fail('expected an attribute name', first);
  const result: PatchPath = { path: parseAttrPath(first.text, 'invalidPath') };
  if (parser.peek().kind === '[') {
    if (result.path.subAttribute !== undefined) parser.fail('a value filter applies to an attribute, not a sub-attribute');
    parser.next();
    parser.inBrackets = true;
    result.valueFilter = parser.or(1);
    const close = parser.peek();
    parser.expect(']', '"]"');
    const after = parser.peek();
    // The path ABNF has no spaces: `emails[type eq "w"] .value` is two things, not one path.
    if (after.kind === 'word' && after.at === close.at + 1) {
      const text = (after as { text: string }).text;
      if (!/^\.[A-Za-z][A-Za-z0-9_-]*$/.test(text)) parser.fail('expected ".subAttribute" after "]"');
      result.subAttribute = text.slice(1);
      parser.next();
    }
  }
  if (parser.peek().kind !== 'end') parser.fail('unexpected text');
  return result;
}
