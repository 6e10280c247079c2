// SCIM PATCH (RFC 7644 §3.5.2) as Okta and Entra send it. Users: operations applied to a copy
// of the stored JSON, then normalized like a PUT body, so a PATCH can never store what a PUT
// could not. Groups: member operations become set operations on membership rows and never need
// the current member list (a group may have 50k members).
import type { MemberChange } from '../../directory/groups.js';
import { badRequest } from '../errors.js';
import type { FilterNode, PatchPath } from '../filter/ast.js';
import { parsePatchPath } from '../filter/parse.js';
import { applyExtension, applyPath, extensionKey, type ApplyContext, type PatchOp, type PatchOperation } from './apply.js';
import { isObject } from './coerce.js';
import { MAX_MEMBER_IDS, memberIdsOf, normalizeGroup, normalizeUser, type GroupResource, type UserResource } from './normalize.js';
import { coreSchema, isCoreUrn, URN } from './schemas.js';

export type { PatchOperation } from './apply.js';
export type { MemberChange };

export const MAX_OPERATIONS = 1000;

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
/** Okta and Entra agree on `Operations`, `op`, `path`, `value`; other clients vary the case. */
const member = (object: Record<string, unknown>, name: string) => object[Object.keys(object).find((k) => same(k, name)) ?? name];

function parseOperation(raw: unknown, index: number): PatchOperation {
  const where = `Operation ${index + 1}`;
  if (!isObject(raw)) throw badRequest('invalidSyntax', `${where} must be an object`);
  const op = member(raw, 'op');
  if (typeof op !== 'string' || !/^(add|remove|replace)$/i.test(op)) throw badRequest('invalidSyntax', `${where}: "op" must be "add", "remove" or "replace"`);
  const kind = op.toLowerCase() as PatchOp;
  const pathText = member(raw, 'path');
  if (pathText !== undefined && pathText !== null && typeof pathText !== 'string') throw badRequest('invalidPath', `${where}: "path" must be a string`);
  const value = member(raw, 'value');
  const parsed: PatchOperation = { op: kind, value };
  if (typeof pathText === 'string' && pathText.trim() !== '') {
    parsed.path = parsePatchPath(pathText.trim());
    parsed.pathText = pathText.trim();
  }
  if (!parsed.path && kind === 'remove') throw badRequest('noTarget', `${where}: "remove" needs a path`);
  if (kind !== 'remove' && value === undefined) throw badRequest('invalidSyntax', `${where}: "${kind}" needs a value`);
  return parsed;
}

export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isObject(body)) throw badRequest('invalidSyntax', 'The request body must be a JSON object');
  const schemas = member(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && same(s, URN.patchOp))) {
    throw badRequest('invalidSyntax', `A PATCH request must list the schema "${URN.patchOp}"`);
  }
  const operations = member(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) throw badRequest('invalidSyntax', '"Operations" must be a non-empty list');
  if (operations.length > MAX_OPERATIONS) throw badRequest('tooMany', `At most ${MAX_OPERATIONS} operations may be sent in one request`);
  return operations.map(parseOperation);
}

/**
 * A pathless add/replace: each key of the value is an attribute, an extension, or (Entra) a
 * dotted or URN-prefixed path such as `name.givenName` or `urn:...:enterprise:2.0:User:manager`
 * (even a value-filtered one: RFC 7644 has no such keys, but they say what they mean).
 */
function applyPathless(ctx: ApplyContext, resource: Record<string, unknown>, op: PatchOperation): void {
  if (!isObject(op.value)) throw badRequest('invalidValue', `A "${op.op}" without a path needs an object value`);
  for (const [key, value] of Object.entries(op.value)) {
    if (same(key, 'schemas')) continue;
    const one = { op: op.op, value, pathText: key };
    const urn = !/^urn:/i.test(key) ? undefined : isCoreUrn(ctx.type, key) ? coreSchema(ctx.type).id : extensionKey(ctx, resource, key);
    if (urn !== undefined) applyExtension(ctx, resource, urn, one);
    else if (/^urn:/i.test(key) && isObject(value) && !knownSchemaPrefix(ctx, key)) applyExtension(ctx, resource, key, one);
    else applyPath(ctx, resource, { ...one, path: /[.:[]/.test(key) ? parsePatchPath(key) : { path: { attribute: key } } }, true);
  }
}

/** Whether `urn:...:attr` starts with a schema we know, i.e. names an attribute rather than an extension. */
function knownSchemaPrefix(ctx: ApplyContext, key: string): boolean {
  const schema = key.slice(0, key.lastIndexOf(':'));
  return isCoreUrn(ctx.type, schema) || (ctx.type === 'User' && same(schema, URN.enterpriseUser));
}

function applyAll(ctx: ApplyContext, resource: Record<string, unknown>, ops: PatchOperation[]): Record<string, unknown> {
  const copy = structuredClone(resource);
  // Values are placed into the copy and may be edited there (a newer primary clears the others'),
  // so the operations are cloned too: a request applied again (an update retried on a newer
  // version) must see the values the client sent.
  for (const op of structuredClone(ops)) {
    if (op.path) applyPath(ctx, copy, op as PatchOperation & { path: PatchPath });
    else applyPathless(ctx, copy, op);
  }
  const { id: _id, meta: _meta, ...rest } = copy;
  return rest;
}

const withId = <T extends object>(resource: T, id: unknown): T => (typeof id === 'string' ? { ...resource, id } : resource);

export function applyUserPatch(user: UserResource, ops: PatchOperation[]): UserResource {
  const next = applyAll({ type: 'User', id: user.id }, user, ops);
  return withId(normalizeUser(next), user.id);
}

const isMembers = (op: PatchOperation) => op.path !== undefined && same(op.path.path.attribute, 'members') && (op.path.path.schema === undefined || isCoreUrn('Group', op.path.path.schema));
const isMembersKey = (key: string) => same(key, 'members') || same(key, `${URN.group}:members`);

/** `value eq "a" or value eq "b"` -> ['a', 'b']; undefined for any other filter. */
function idsOf(node: FilterNode): string[] | undefined {
  if (node.kind === 'compare') return node.op === 'eq' && same(node.path.attribute, 'value') && !node.path.subAttribute && typeof node.value === 'string' ? [node.value] : undefined;
  if (node.kind !== 'or') return undefined;
  const left = idsOf(node.left);
  const right = idsOf(node.right);
  return left && right ? [...left, ...right] : undefined;
}

function memberChange(op: PatchOperation): MemberChange | undefined {
  const path = op.path;
  if (path?.path.subAttribute !== undefined || path?.subAttribute !== undefined) throw badRequest('invalidPath', `"${op.pathText}": members can only be added, removed or replaced whole`);
  if (path?.valueFilter) {
    if (op.op !== 'remove') throw badRequest('invalidPath', `"${op.pathText}": only "remove" may select members with a filter`);
    const ids = idsOf(path.valueFilter);
    if (!ids) throw badRequest('invalidFilter', `"${op.pathText}": a members filter may only compare "value" with "eq", joined by "or"`);
    return { kind: 'remove', ids: [...new Set(ids)] };
  }
  if (op.op === 'remove' && (op.value === undefined || op.value === null)) return { kind: 'removeAll' };
  const ids = memberIdsOf(op.value);
  if (op.op === 'replace') return ids.length > 0 ? { kind: 'replaceAll', ids } : { kind: 'removeAll' };
  return ids.length > 0 ? { kind: op.op, ids } : undefined;
}

/** Member operations out of the way: what is left changes the group's own attributes. */
function splitMembers(op: PatchOperation): { attributes: PatchOperation | undefined; members: PatchOperation | undefined } {
  if (isMembers(op)) return { attributes: undefined, members: op };
  if (op.path || !isObject(op.value)) return { attributes: op, members: undefined };
  const keys = Object.keys(op.value);
  const membersKey = keys.find(isMembersKey);
  if (membersKey === undefined) return { attributes: op, members: undefined };
  const rest = Object.fromEntries(Object.entries(op.value).filter(([k]) => !isMembersKey(k)));
  return { attributes: Object.keys(rest).length > 0 ? { op: op.op, value: rest } : undefined, members: { op: op.op, value: op.value[membersKey] } };
}

export function planGroupPatch(group: GroupResource, ops: PatchOperation[]): { group: GroupResource; members: MemberChange[] } {
  const attributes: PatchOperation[] = [];
  const members: MemberChange[] = [];
  for (const op of ops) {
    const split = splitMembers(op);
    if (split.attributes) attributes.push(split.attributes);
    const change = split.members && memberChange(split.members);
    if (change) members.push(change);
  }
  const total = members.reduce((n, c) => n + (c.kind === 'removeAll' ? 0 : c.ids.length), 0);
  if (total > MAX_MEMBER_IDS) throw badRequest('tooMany', `At most ${MAX_MEMBER_IDS} member ids may be sent in one PATCH`);
  const next = attributes.length > 0 ? normalizeGroup(applyAll({ type: 'Group', id: group.id }, group, attributes)).group : group;
  return { group: withId(next, group.id), members };
}
