// One PATCH operation applied to a resource's JSON, in place (RFC 7644 §3.5.2.1-3). Values are
// stored as given and type-checked afterwards by the caller's normalization, so the rules here
// are only about where a value goes. Member operations on groups never reach this file.
import { isDeepStrictEqual } from 'node:util';
import { badRequest } from '../errors.js';
import type { AttrPath, FilterNode, PatchPath } from '../filter/ast.js';
import { matchesFilter } from '../filter/match.js';
import { isObject } from './coerce.js';
import { coreSchema, findAttribute, findExtension, findNamed, isCoreUrn, type AttributeDef, type ResourceType } from './schemas.js';

export type PatchOp = 'add' | 'remove' | 'replace';

export interface PatchOperation {
  op: PatchOp;
  path?: PatchPath;
  /** The path as the client wrote it, for error messages. */
  pathText?: string;
  value?: unknown;
}

export interface ApplyContext {
  type: ResourceType;
  /** The resource's id: a client may "set" it to what it already is (Okta does, for groups). */
  id: string | undefined;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const keyOf = (object: Record<string, unknown>, name: string) => Object.keys(object).find((k) => same(k, name));

/** Sets (or, for undefined, deletes) `name` in `object`, replacing any other spelling of it. */
export function assign(object: Record<string, unknown>, name: string, value: unknown): void {
  for (const key of Object.keys(object)) if (same(key, name)) delete object[key];
  if (value !== undefined && value !== null) object[name] = value;
}

interface Target {
  /** The extension key holding the attribute; undefined for top-level attributes. */
  container: string | undefined;
  name: string;
  def: AttributeDef | undefined;
  label: string;
}

/** The extension key `urn` denotes in `resource`, when `urn` is a whole extension. */
export function extensionKey(ctx: ApplyContext, resource: Record<string, unknown>, urn: string): string | undefined {
  const known = findExtension(ctx.type, urn);
  if (known) return known.id;
  const existing = keyOf(resource, urn);
  if (existing !== undefined && isObject(resource[existing])) return existing;
  const listed = Array.isArray(resource.schemas) ? resource.schemas.find((s) => typeof s === 'string' && same(s, urn)) : undefined;
  return typeof listed === 'string' && !isCoreUrn(ctx.type, listed) ? listed : undefined;
}

function resolve(ctx: ApplyContext, resource: Record<string, unknown>, path: AttrPath): Target {
  const found = findAttribute(ctx.type, { schema: path.schema, attribute: path.attribute });
  let container: string | undefined;
  if (path.schema !== undefined && !isCoreUrn(ctx.type, path.schema)) container = findExtension(ctx.type, path.schema)?.id ?? keyOf(resource, path.schema) ?? path.schema;
  const holder = container === undefined ? resource : resource[container];
  const name = found?.attribute.name ?? (isObject(holder) ? keyOf(holder, path.attribute) : undefined) ?? path.attribute;
  return { container, name, def: found?.attribute, label: container === undefined ? name : `${container}:${name}` };
}

function holderOf(resource: Record<string, unknown>, target: Target, create: boolean): Record<string, unknown> | undefined {
  if (target.container === undefined) return resource;
  const existing = resource[target.container];
  if (isObject(existing)) return existing;
  if (!create) return undefined;
  const made: Record<string, unknown> = {};
  assign(resource, target.container, made);
  return made;
}

function guardReadOnly(ctx: ApplyContext, op: PatchOperation, target: Target, sub: string | undefined, lenient: boolean): boolean {
  const subDef = sub === undefined ? undefined : findNamed(target.def?.subAttributes, sub);
  if (target.def?.mutability !== 'readOnly' && subDef?.mutability !== 'readOnly') return true;
  const unchangedId = target.container === undefined && target.name === 'id' && sub === undefined && op.op !== 'remove' && op.value === ctx.id;
  if (unchangedId || (lenient && target.name !== 'id')) return false;
  throw badRequest('mutability', `Attribute "${target.label}${sub ? `.${sub}` : ''}" is readOnly`);
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);

/** Entra's manager as a bare id, for the `value` sub-attribute of a single-valued complex attribute. */
function asComplex(target: Target, value: unknown): unknown {
  const hasValue = findNamed(target.def?.subAttributes, 'value') !== undefined;
  return hasValue && (typeof value === 'string' || typeof value === 'number') ? (value === '' ? null : { value }) : value;
}

function sameElement(element: unknown, given: unknown): boolean {
  if (isDeepStrictEqual(element, given)) return true;
  if (!isObject(element) || !isObject(given)) return false;
  const a = element[keyOf(element, 'value') ?? 'value'];
  const b = given[keyOf(given, 'value') ?? 'value'];
  return a !== undefined && isDeepStrictEqual(a, b);
}

/** RFC 7643 §2.4: at most one primary value; the newest wins. */
function clearPrimary(list: unknown[]): void {
  for (const element of list) if (isObject(element)) assign(element, 'primary', undefined);
}
function isPrimary(element: unknown): boolean {
  const primary = isObject(element) ? element[keyOf(element, 'primary') ?? 'primary'] : undefined;
  return primary === true || (typeof primary === 'string' && same(primary, 'true'));
}

function applyWhole(holder: Record<string, unknown>, target: Target, op: PatchOperation): void {
  const current = holder[target.name];
  const multi = target.def?.multiValued ?? Array.isArray(current);
  if (op.op === 'remove') {
    const remaining = op.value === undefined || !multi ? [] : asList(current).filter((e) => !asList(op.value).some((v) => sameElement(e, v)));
    return assign(holder, target.name, remaining.length > 0 ? remaining : undefined);
  }
  if (multi) {
    // add appends what is not there yet: re-adding an existing value changes nothing.
    const kept = op.op === 'add' ? asList(current) : [];
    const added = asList(op.value).filter((v) => !kept.some((e) => isDeepStrictEqual(e, v)));
    if (added.some(isPrimary)) clearPrimary(kept);
    return assign(holder, target.name, [...kept, ...added]);
  }
  const value = target.def?.type === 'complex' ? asComplex(target, op.value) : op.value;
  // RFC 7644 §3.5.2.1/3: a complex value's sub-attributes are merged, not swapped wholesale;
  // but a new `value` (manager) is another referent, whose old $ref must not survive.
  if (target.def?.type === 'complex' && isObject(value) && isObject(current) && keyOf(value, 'value') === undefined) {
    const merged = { ...current };
    for (const [k, v] of Object.entries(value)) assign(merged, k, v);
    return assign(holder, target.name, merged);
  }
  assign(holder, target.name, value);
}

function setSub(element: Record<string, unknown>, sub: string, op: PatchOperation): void {
  assign(element, sub, op.op === 'remove' ? undefined : op.value);
}

function applySub(holder: Record<string, unknown>, target: Target, sub: string, op: PatchOperation): void {
  const current = holder[target.name];
  if (target.def?.multiValued || Array.isArray(current)) {
    const list = asList(current).filter(isObject);
    if (list.length === 0 && op.op !== 'remove') list.push({});
    for (const element of list) setSub(element, sub, op);
    const kept = list.filter((e) => Object.keys(e).length > 0);
    return assign(holder, target.name, kept.length > 0 ? kept : undefined);
  }
  if (current !== undefined && !isObject(current)) {
    if (op.op === 'remove') return;
    throw badRequest('invalidPath', `Attribute "${target.label}" has no sub-attributes`);
  }
  const element = { ...(current ?? {}) };
  setSub(element, sub, op);
  assign(holder, target.name, Object.keys(element).length > 0 ? element : undefined);
}

/** `type eq "work" and primary eq true` -> { type: 'work', primary: true }: what a new element looks like. */
function template(node: FilterNode): Record<string, unknown> | undefined {
  if (node.kind === 'compare' && node.op === 'eq' && node.value !== null && !node.path.schema && !node.path.subAttribute) return { [node.path.attribute]: node.value };
  if (node.kind !== 'and') return undefined;
  const left = template(node.left);
  const right = template(node.right);
  if (!left || !right || Object.keys(right).some((k) => keyOf(left, k) !== undefined)) return undefined;
  return { ...left, ...right };
}

function applyFiltered(holder: Record<string, unknown>, target: Target, filter: FilterNode, sub: string | undefined, op: PatchOperation, pathText: string): void {
  const current = holder[target.name];
  if ((target.def && !target.def.multiValued) || (current !== undefined && !Array.isArray(current))) {
    throw badRequest('invalidPath', `"${pathText}": a value filter applies only to a multi-valued attribute`);
  }
  const caseExact = (p: AttrPath) => findNamed(target.def?.subAttributes, p.attribute)?.caseExact ?? false;
  const list = asList(current);
  const hits = list.filter((e): e is Record<string, unknown> => isObject(e) && matchesFilter(filter, e, { caseExact }));
  if (op.op === 'remove') {
    if (sub !== undefined) hits.forEach((e) => setSub(e, sub, op));
    const rest = sub === undefined ? list.filter((e) => !hits.includes(e as Record<string, unknown>)) : list.filter((e) => !isObject(e) || Object.keys(e).length > 0);
    return assign(holder, target.name, rest.length > 0 ? rest : undefined);
  }
  if (sub === undefined && !isObject(op.value)) throw badRequest('invalidValue', `"${pathText}": the value must be an object`);
  if (hits.length === 0) {
    // Entra replaces `emails[type eq "work"].value` on users without a work email: RFC 7644
    // §3.5.2.3 treats a replace of what does not exist as an add, so the filter says what to add.
    const base = template(filter);
    if (!base) throw badRequest('noTarget', `"${pathText}" matches no value`);
    return assign(holder, target.name, [...list, sub === undefined ? { ...base, ...(op.value as object) } : { ...base, [sub]: op.value }]);
  }
  const next = list.map((e) => {
    if (!hits.includes(e as Record<string, unknown>)) return e;
    if (sub === undefined) return op.op === 'replace' ? op.value : { ...(e as object), ...(op.value as object) };
    const element = { ...(e as Record<string, unknown>) };
    setSub(element, sub, op);
    return element;
  });
  assign(holder, target.name, next);
}

/** One operation with a path. `lenient`: part of a pathless value, where readOnly keys are skipped. */
export function applyPath(ctx: ApplyContext, resource: Record<string, unknown>, op: PatchOperation & { path: PatchPath }, lenient = false): void {
  const { path, valueFilter, subAttribute } = op.path;
  const pathText = op.pathText ?? path.attribute;
  const urn = path.schema !== undefined && !path.subAttribute && !valueFilter ? `${path.schema}:${path.attribute}` : undefined;
  if (urn !== undefined && isCoreUrn(ctx.type, urn)) {
    if (op.op === 'remove') throw badRequest('invalidPath', `"${pathText}": the core schema cannot be removed`);
    return applyExtension(ctx, resource, coreSchema(ctx.type).id, op);
  }
  const whole = urn === undefined ? undefined : extensionKey(ctx, resource, urn);
  if (whole !== undefined) return applyExtension(ctx, resource, whole, op);
  const target = resolve(ctx, resource, path);
  const sub = path.subAttribute ?? subAttribute;
  if (!guardReadOnly(ctx, op, target, sub, lenient)) return;
  const holder = holderOf(resource, target, op.op !== 'remove');
  if (!holder) return;
  if (valueFilter) applyFiltered(holder, target, valueFilter, sub, op, pathText);
  else if (sub !== undefined) applySub(holder, target, findNamed(target.def?.subAttributes, sub)?.name ?? sub, op);
  else applyWhole(holder, target, op);
  if (target.container !== undefined && Object.keys(holder).length === 0) assign(resource, target.container, undefined);
}

/**
 * A whole extension (`path: "urn:...:enterprise:2.0:User"`, or its key in a pathless value); for
 * the core schema's URN, its attributes (some clients wrap them in it).
 */
export function applyExtension(ctx: ApplyContext, resource: Record<string, unknown>, urn: string, op: PatchOperation): void {
  if (op.op === 'remove') return assign(resource, urn, undefined);
  if (!isObject(op.value)) throw badRequest('invalidValue', `The value for "${urn}" must be an object`);
  for (const [key, value] of Object.entries(op.value)) {
    const dot = key.indexOf('.');
    const path: AttrPath = dot > 0 ? { schema: urn, attribute: key.slice(0, dot), subAttribute: key.slice(dot + 1) } : { schema: urn, attribute: key };
    applyPath(ctx, resource, { op: op.op, path: { path }, pathText: `${urn}:${key}`, value }, true);
  }
}
