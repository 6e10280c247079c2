// Attribute values checked and coerced against their definitions (RFC 7643 §2.3). Lenient only
// where real clients need it: Entra's "True"/"False" booleans, Entra's plain-string manager.
// `undefined` means unassigned: null, [] and {} are the same state as absent (RFC 7643 §2.5),
// so they are not stored and a PUT of the same body is always the same stored JSON.
import { badRequest } from '../errors.js';
import { findNamed, type AttributeDef } from './schemas.js';

/**
 * Bounds on what we store per resource (the HTTP layer bounds the body size): enough for any
 * IdP's user, small enough that no request can make one resource unreasonably costly.
 */
export const LIMITS = {
  /** userName and a group's displayName: Entra and Okta allow 256 characters at most. */
  name: 256,
  string: 8192,
  /** Values of one multi-valued attribute (emails, roles, ...). */
  values: 100,
  /** Keys of one object: the resource, an extension, a complex value, a custom object. */
  keys: 200,
  /** Nesting of custom (unknown) attribute values. */
  depth: 8,
  /** Elements of a custom array. */
  customArray: 1000,
} as const;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const invalid = (label: string, what: string) => badRequest('invalidValue', `Attribute "${label}" ${what}`);

/** Entra sends booleans as "True"/"False". */
export function coerceBoolean(value: unknown, label: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw invalid(label, 'must be a boolean');
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function coerceSimple(def: AttributeDef, value: unknown, label: string): unknown {
  switch (def.type) {
    case 'boolean':
      return coerceBoolean(value, label);
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(label, 'must be an integer');
      return value;
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(label, 'must be a number');
      return value;
    case 'dateTime':
      if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) throw invalid(label, 'must be a dateTime (RFC 3339)');
      return value;
    default:
      if (typeof value !== 'string') throw invalid(label, 'must be a string');
      if (value.length > LIMITS.string) throw invalid(label, `must be at most ${LIMITS.string} characters`);
      return value;
  }
}

/** Unknown (custom) values are kept as given: only their shape is bounded. */
export function checkCustom(value: unknown, label: string, depth = 0): unknown {
  if (depth > LIMITS.depth) throw invalid(label, `nests deeper than ${LIMITS.depth} levels`);
  if (Array.isArray(value)) {
    if (value.length > LIMITS.customArray) throw invalid(label, `has more than ${LIMITS.customArray} values`);
    for (const item of value) checkCustom(item, label, depth + 1);
  } else if (isObject(value)) {
    if (Object.keys(value).length > LIMITS.keys) throw invalid(label, `has more than ${LIMITS.keys} keys`);
    for (const item of Object.values(value)) checkCustom(item, label, depth + 1);
  } else if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
    throw invalid(label, 'must be JSON');
  }
  return value;
}

/** Sets `key` once: two spellings of one attribute (`userName`, `UserName`) are ambiguous. */
export function setOnce(target: Record<string, unknown>, key: string, value: unknown, seen: Set<string>, label: string): void {
  const folded = key.toLowerCase();
  if (seen.has(folded)) throw invalid(label, 'is given more than once');
  seen.add(folded);
  if (value !== undefined) target[key] = value;
}

/**
 * The object's known attributes under their schema spelling, coerced; readOnly and writeOnly
 * ones dropped (RFC 7643 §2.2: a client's readOnly values are ignored; `password` is never
 * stored); unknown ones kept as given.
 */
export function coerceAttributes(defs: readonly AttributeDef[] | undefined, input: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const keys = Object.keys(input);
  if (keys.length > LIMITS.keys) throw badRequest('invalidValue', `${prefix || 'The resource'} has more than ${LIMITS.keys} attributes`);
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const key of keys) {
    const def = findNamed(defs, key);
    const label = `${prefix}${def?.name ?? key}`;
    if (!def) setOnce(out, key, checkCustom(input[key], label), seen, label);
    else if (def.mutability === 'readOnly' || def.mutability === 'writeOnly') setOnce(out, def.name, undefined, seen, label);
    else setOnce(out, def.name, coerceAttribute(def, input[key], label), seen, label);
  }
  return out;
}

function coerceOne(def: AttributeDef, value: unknown, label: string): unknown {
  if (value === null) return undefined;
  if (def.type !== 'complex') return coerceSimple(def, value, label);
  // Entra sends the enterprise manager as the manager's id alone.
  if (typeof value === 'string' && !def.multiValued && findNamed(def.subAttributes, 'value')) return value === '' ? undefined : { value };
  if (!isObject(value)) throw invalid(label, 'must be an object');
  const out = coerceAttributes(def.subAttributes, value, `${label}.`);
  return Object.keys(out).length === 0 ? undefined : out;
}

export function coerceAttribute(def: AttributeDef, value: unknown, label: string): unknown {
  if (!def.multiValued || value === null) return coerceOne(def, value, label);
  if (!Array.isArray(value)) throw invalid(label, 'must be an array');
  if (value.length > LIMITS.values) throw invalid(label, `has more than ${LIMITS.values} values`);
  const out = value.map((item) => coerceOne(def, item, label)).filter((item) => item !== undefined);
  return out.length === 0 ? undefined : out;
}
