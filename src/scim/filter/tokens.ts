// The lexical layer of SCIM filters and PATCH paths (RFC 7644 §3.4.2.2, §3.5.2): attribute paths,
// operators, JSON literals, brackets and parentheses. Positions are kept for error messages.
import { badRequest, type ScimType } from '../errors.js';

export type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'value'; value: string | number | boolean | null; at: number }
  | { kind: '(' | ')' | '[' | ']'; at: number }
  | { kind: 'end'; at: number };

export const MAX_FILTER_LENGTH = 4096;

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isWordChar = (c: string) => /[A-Za-z0-9_\-:.$]/.test(c);

function stringLiteral(text: string, start: number, fail: (m: string) => never): { value: string; end: number } {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  if (i >= text.length) fail(`unterminated string starting at position ${start + 1}`);
  try {
    return { value: JSON.parse(text.slice(start, i + 1)) as string, end: i + 1 };
  } catch {
    return fail(`invalid string at position ${start + 1}`);
  }
}

function literalOf(word: string): number | boolean | null | undefined {
  const lower = word.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(word)) return Number(word);
  return undefined;
}

export function tokenize(text: string, scimType: ScimType): Token[] {
  const fail = (message: string): never => {
    throw badRequest(scimType, `Invalid ${scimType === 'invalidPath' ? 'path' : 'filter'}: ${message}`);
  };
  if (text.length > MAX_FILTER_LENGTH) fail(`longer than ${MAX_FILTER_LENGTH} characters`);
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (isSpace(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ kind: c, at: i });
      i++;
    } else if (c === '"') {
      const { value, end } = stringLiteral(text, i, fail);
      tokens.push({ kind: 'value', value, at: i });
      i = end;
    } else if (isWordChar(c)) {
      const start = i;
      while (i < text.length && isWordChar(text[i] as string)) i++;
      const word = text.slice(start, i);
      const literal = literalOf(word);
      tokens.push(literal === undefined ? { kind: 'word', text: word, at: start } : { kind: 'value', value: literal, at: start });
    } else {
      fail(`unexpected character "${c}" at position ${i + 1}`);
    }
  }
  tokens.push({ kind: 'end', at: text.length });
  return tokens;
}
