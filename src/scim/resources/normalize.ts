// POST/PUT bodies -> the resource we store (and, through the PATCH engine, every PATCH result):
// known attributes type-checked and spelled as the schema spells them, the client's readOnly
// and writeOnly values dropped, custom attributes and extensions kept as sent.
import { badRequest } from '../errors.js';
import { coerceAttributes, isObject, LIMITS, setOnce } from './coerce.js';
import { COMMON_ATTRIBUTES, coreSchema, findExtension, isCoreUrn, type ResourceType } from './schemas.js';

export interface MultiValue {
  value?: string;
  display?: string;
  type?: string;
  primary?: boolean;
  [key: string]: unknown;
}

export interface UserResource {
  schemas: string[];
  id?: string;
  userName: string;
  externalId?: string;
  displayName?: string;
  active?: boolean;
  name?: Record<string, unknown>;
  emails?: MultiValue[];
  [key: string]: unknown;
}

/** Never with `members`: those are membership rows. */
export interface GroupResource {
  schemas: string[];
  id?: string;
  displayName: string;
  externalId?: string;
  [key: string]: unknown;
}

/** Member ids per request (POST/PUT members, or all of one PATCH): Entra sends at most a few hundred. */
export const MAX_MEMBER_IDS = 10_000;
const MAX_SCHEMAS = 20;

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function schemaList(type: ResourceType, value: unknown): string[] {
  const core = coreSchema(type).id;
  if (!Array.isArray(value) || value.length > MAX_SCHEMAS || !value.every((s) => typeof s === 'string' && s.length > 0 && s.length <= LIMITS.name)) {
    throw badRequest('invalidSyntax', `"schemas" must be a list of schema URNs including "${core}"`);
  }
  const known = (urn: string) => (isCoreUrn(type, urn) ? core : (findExtension(type, urn)?.id ?? urn));
  const urns = [...new Set((value as string[]).map(known))];
  if (!urns.includes(core)) throw badRequest('invalidSyntax', `"schemas" must include "${core}"`);
  return urns;
}

/** An unknown `urn:` key holding an object is an extension we have no definition of. */
const isExtensionKey = (key: string, value: unknown) => /^urn:/i.test(key) && isObject(value);

function normalizeResource(type: ResourceType, input: unknown): Record<string, unknown> {
  if (!isObject(input)) throw badRequest('invalidSyntax', 'The request body must be a JSON object');
  const schemasKey = Object.keys(input).find((k) => same(k, 'schemas'));
  const schemas = schemaList(type, schemasKey === undefined ? undefined : input[schemasKey]);
  const rest = omit(input, schemasKey);
  // id and meta are readOnly (dropped), externalId is checked like any other string.
  const core = coerceAttributes([...coreSchema(type).attributes, ...COMMON_ATTRIBUTES], withoutExtensions(type, rest), '');
  const out: Record<string, unknown> = { schemas, ...core };
  const seen = new Set(Object.keys(out).map((k) => k.toLowerCase()));
  for (const [key, value] of Object.entries(rest)) {
    const extension = findExtension(type, key);
    if (!extension) continue;
    if (!isObject(value)) throw badRequest('invalidValue', `Attribute "${extension.id}" must be an object`);
    const attributes = coerceAttributes(extension.attributes, value, `${extension.id}:`);
    setOnce(out, extension.id, Object.keys(attributes).length > 0 ? attributes : undefined, seen, extension.id);
  }
  // Entra and Okta sometimes send an extension without listing it in `schemas` (RFC 7643 §3 wants it listed).
  for (const given of Object.keys(rest)) {
    const key = findExtension(type, given)?.id ?? given;
    if (key in out && (findExtension(type, key) || isExtensionKey(key, out[key])) && !schemas.some((s) => same(s, key))) schemas.push(key);
  }
  return out;
}

function omit(input: Record<string, unknown>, key: string | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([k]) => k !== key));
}

function withoutExtensions(type: ResourceType, input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([key]) => !findExtension(type, key)));
}

function requiredName(out: Record<string, unknown>, key: string): void {
  const value = out[key];
  if (typeof value !== 'string' || value.trim() === '') throw badRequest('invalidValue', `Attribute "${key}" is required`);
  if (value.length > LIMITS.name) throw badRequest('invalidValue', `Attribute "${key}" must be at most ${LIMITS.name} characters`);
}

export function normalizeUser(input: unknown): UserResource {
  const user = normalizeResource('User', input);
  requiredName(user, 'userName');
  return user as UserResource;
}

/** `members` of a POST/PUT body or a PATCH value: ids of users (we have no nested groups). */
export function memberIdsOf(value: unknown, label = 'members'): string[] {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.length > MAX_MEMBER_IDS) throw badRequest('tooMany', `At most ${MAX_MEMBER_IDS} members may be given in one request`);
  const ids = list.map((member) => {
    if (!isObject(member)) throw badRequest('invalidValue', `Each of "${label}" must be an object with a "value"`);
    const entry = Object.fromEntries(Object.entries(member).map(([k, v]) => [k.toLowerCase(), v]));
    if (typeof entry.value !== 'string' || entry.value === '' || entry.value.length > LIMITS.name) throw badRequest('invalidValue', `Each of "${label}" needs a "value": the member's id`);
    if (entry.type !== undefined && entry.type !== null && (typeof entry.type !== 'string' || !same(entry.type, 'User'))) {
      throw badRequest('invalidValue', `Members must be users: nested groups are not supported (type "${String(entry.type)}")`);
    }
    return entry.value;
  });
  return [...new Set(ids)];
}

export function normalizeGroup(input: unknown): { group: GroupResource; members: string[] } {
  if (!isObject(input)) throw badRequest('invalidSyntax', 'The request body must be a JSON object');
  const membersKey = Object.keys(input).find((k) => same(k, 'members'));
  const group = normalizeResource('Group', omit(input, membersKey));
  requiredName(group, 'displayName');
  return { group: group as GroupResource, members: memberIdsOf(membersKey === undefined ? undefined : input[membersKey]) };
}

const key = (text: string) => text.normalize('NFC').toLowerCase();
const stringOrNull = (value: unknown) => (typeof value === 'string' ? value : null);

/** The indexed columns of a normalized user. */
export function userIndexFields(user: UserResource) {
  const emails = (Array.isArray(user.emails) ? user.emails : []).filter((e): e is MultiValue => isObject(e) && typeof e.value === 'string');
  const primary = emails.find((e) => e.primary === true) ?? emails.find((e) => typeof e.type === 'string' && same(e.type, 'work')) ?? emails[0];
  return {
    userName: user.userName,
    userNameKey: key(user.userName),
    externalId: stringOrNull(user.externalId),
    displayName: stringOrNull(user.displayName),
    active: user.active !== false,
    primaryEmail: primary?.value ?? null,
    emailKeys: [...new Set(emails.map((e) => key(e.value!)))],
  };
}

export function groupIndexFields(group: GroupResource) {
  return { displayName: group.displayName, displayNameKey: key(group.displayName), externalId: stringOrNull(group.externalId) };
}
