// `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): names compared
// case-insensitively, with sub-attributes (`name.givenName`) and URN prefixes
// (`urn:...:enterprise:2.0:User:manager`, or a whole extension by its URN).
import { isObject } from './coerce.js';
import { COMMON_ATTRIBUTES, coreSchema, isCoreUrn, type ResourceType } from './schemas.js';

export interface ProjectionParams {
  attributes?: string[] | undefined;
  excludedAttributes?: string[] | undefined;
}

/** A comma-separated attribute list; undefined when the parameter is absent or empty. */
export function parseAttributeList(text: string | undefined): string[] | undefined {
  const names = (text ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return names.length > 0 ? names : undefined;
}

/** Where a name points: a top-level key or an extension key, then maybe one sub-attribute. */
interface Selector {
  key: string;
  attribute?: string;
  sub?: string;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function selectorOf(name: string, resource: Record<string, unknown>, type: ResourceType): Selector {
  if (/^urn:/i.test(name)) {
    // The longest URN present as a key (an extension) or the core URN is the prefix.
    const prefixes = [coreSchema(type).id, ...Object.keys(resource).filter((k) => /^urn:/i.test(k))].sort((a, b) => b.length - a.length);
    const prefix = prefixes.find((p) => same(name, p) || name.toLowerCase().startsWith(`${p.toLowerCase()}:`));
    if (prefix !== undefined && same(name, prefix)) return isCoreUrn(type, prefix) ? { key: '*' } : { key: prefix };
    if (prefix !== undefined) {
      const [attribute = '', sub] = name.slice(prefix.length + 1).split('.', 2);
      return isCoreUrn(type, prefix) ? withSub(attribute, sub) : { key: prefix, attribute, ...(sub === undefined ? {} : { sub }) };
    }
  }
  const [attribute = '', sub] = name.split('.', 2);
  return withSub(attribute, sub);
}

const withSub = (key: string, sub: string | undefined): Selector => (sub === undefined ? { key } : { key, sub });

/** Names returned whatever was asked (`returned: always`), and never returned (`returned: never`). */
function returned(type: ResourceType, mode: 'always' | 'never'): string[] {
  const names = [...coreSchema(type).attributes, ...COMMON_ATTRIBUTES].filter((a) => a.returned === mode).map((a) => a.name);
  return mode === 'always' ? ['schemas', ...names] : names;
}

const keyIn = (object: Record<string, unknown>, name: string) => Object.keys(object).find((k) => same(k, name));

function pickSub(value: unknown, sub: string): unknown {
  if (Array.isArray(value)) {
    const picked = value.map((e) => pickSub(e, sub)).filter((e) => e !== undefined);
    return picked.length > 0 ? picked : undefined;
  }
  if (!isObject(value)) return undefined;
  const key = keyIn(value, sub);
  return key === undefined ? undefined : { [key]: value[key] };
}

function dropSub(value: unknown, sub: string): unknown {
  if (Array.isArray(value)) return value.map((e) => dropSub(e, sub));
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !same(k, sub)));
}

/** Merges a picked value into what was already picked for the same key. */
function merge(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (Array.isArray(a) && Array.isArray(b)) return a.map((e, i) => merge(e, b[i]));
  if (isObject(a) && isObject(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
    return out;
  }
  return b ?? a;
}

function pick(value: unknown, selector: Omit<Selector, 'key'>): unknown {
  if (selector.attribute === undefined) return selector.sub === undefined ? value : pickSub(value, selector.sub);
  if (!isObject(value)) return undefined;
  const key = keyIn(value, selector.attribute);
  if (key === undefined) return undefined;
  const inner = selector.sub === undefined ? value[key] : pickSub(value[key], selector.sub);
  return inner === undefined ? undefined : { [key]: inner };
}

function include(resource: Record<string, unknown>, names: string[], type: ResourceType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const selector = selectorOf(name, resource, type);
    if (selector.key === '*') return { ...resource };
    const key = keyIn(resource, selector.key);
    if (key === undefined) continue;
    const picked = pick(resource[key], selector);
    if (picked !== undefined) out[key] = merge(out[key], picked);
  }
  return out;
}

function exclude(resource: Record<string, unknown>, names: string[], type: ResourceType, always: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...resource };
  for (const name of names) {
    const selector = selectorOf(name, resource, type);
    const key = selector.key === '*' ? undefined : keyIn(out, selector.key);
    if (key === undefined || always.some((a) => same(a, key))) continue;
    if (selector.attribute === undefined && selector.sub === undefined) delete out[key];
    else if (selector.attribute === undefined) out[key] = dropSub(out[key], selector.sub as string);
    else if (isObject(out[key])) out[key] = dropAttribute(out[key], selector.attribute, selector.sub);
  }
  return out;
}

function dropAttribute(extension: Record<string, unknown>, attribute: string, sub: string | undefined): Record<string, unknown> {
  const key = keyIn(extension, attribute);
  if (key === undefined) return extension;
  if (sub !== undefined) return { ...extension, [key]: dropSub(extension[key], sub) };
  return Object.fromEntries(Object.entries(extension).filter(([k]) => k !== key));
}

export function projectAttributes<T extends Record<string, unknown>>(resource: T, params: ProjectionParams, type: ResourceType): T {
  const always = returned(type, 'always');
  const never = returned(type, 'never');
  let out: Record<string, unknown> = Object.fromEntries(Object.entries(resource).filter(([k]) => !never.some((n) => same(n, k))));
  if (params.attributes !== undefined && params.attributes.length > 0) {
    const picked = include(out, params.attributes, type);
    for (const name of always) {
      const key = keyIn(out, name);
      if (key !== undefined) picked[key] = out[key];
    }
    out = reorder(out, picked);
  }
  if (params.excludedAttributes !== undefined && params.excludedAttributes.length > 0) out = exclude(out, params.excludedAttributes, type, always);
  return out as T;
}

/** Keeps the resource's key order (schemas, id, ... as stored), whatever order the names came in. */
function reorder(original: Record<string, unknown>, picked: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(original).filter((k) => k in picked).map((k) => [k, picked[k]]));
}
