// The schemas we serve (RFC 7643 §4, §8.7.1), as one table that drives coercion, PATCH,
// projection and the /Schemas documents, so what we describe is exactly what we accept.
import type { AttrPath } from '../filter/ast.js';

export const URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
} as const;

export type ResourceType = 'User' | 'Group';
export type AttributeType = 'string' | 'boolean' | 'dateTime' | 'complex' | 'reference' | 'integer' | 'decimal' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'default' | 'never' | 'request';

export interface AttributeDef {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: 'none' | 'server' | 'global';
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDef[];
}

export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDef[];
}

type Options = Partial<Omit<AttributeDef, 'name' | 'type'>>;
const attr = (name: string, type: AttributeType, options: Options = {}): AttributeDef => ({
  name, type, multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', ...options,
});
const strings = (...names: string[]) => names.map((name) => attr(name, 'string'));
const complex = (name: string, subAttributes: AttributeDef[], options: Options = {}) => attr(name, 'complex', { subAttributes, ...options });
/** emails, phoneNumbers, ims, ...: RFC 7643 §2.4's default sub-attributes. */
const multi = (name: string, canonicalValues?: string[], valueType: AttributeType = 'string') =>
  complex(name, [attr('value', valueType), attr('display', 'string'), attr('type', 'string', canonicalValues ? { canonicalValues } : {}), attr('primary', 'boolean')], { multiValued: true });

export const USER_SCHEMA: SchemaDef = {
  id: URN.user,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr('userName', 'string', { required: true, uniqueness: 'server' }),
    complex('name', strings('formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix')),
    ...strings('displayName', 'nickName'),
    attr('profileUrl', 'reference', { referenceTypes: ['external'] }),
    ...strings('title', 'userType', 'preferredLanguage', 'locale', 'timezone'),
    attr('active', 'boolean'),
    attr('password', 'string', { mutability: 'writeOnly', returned: 'never' }),
    multi('emails', ['work', 'home', 'other']),
    multi('phoneNumbers', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multi('ims', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    multi('photos', ['photo', 'thumbnail'], 'reference'),
    complex('addresses', [...strings('formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country'), attr('type', 'string', { canonicalValues: ['work', 'home', 'other'] }), attr('primary', 'boolean')], { multiValued: true }),
    complex(
      'groups',
      [attr('value', 'string', { mutability: 'readOnly' }), attr('$ref', 'reference', { mutability: 'readOnly', referenceTypes: ['User', 'Group'] }), attr('display', 'string', { mutability: 'readOnly' }), attr('type', 'string', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] })],
      { multiValued: true, mutability: 'readOnly' },
    ),
    multi('entitlements'),
    multi('roles'),
    multi('x509Certificates', undefined, 'binary'),
  ],
};

export const ENTERPRISE_USER_SCHEMA: SchemaDef = {
  id: URN.enterpriseUser,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    ...strings('employeeNumber', 'costCenter', 'organization', 'division', 'department'),
    complex('manager', [attr('value', 'string'), attr('$ref', 'reference', { referenceTypes: ['User'] }), attr('displayName', 'string', { mutability: 'readOnly' })]),
  ],
};

// displayName is required here (RFC 7643 says optional): a group without a name is useless to
// every product downstream, and Okta and Entra always send one.
export const GROUP_SCHEMA: SchemaDef = {
  id: URN.group,
  name: 'Group',
  description: 'Group',
  attributes: [
    attr('displayName', 'string', { required: true }),
    complex(
      'members',
      [attr('value', 'string', { mutability: 'immutable', caseExact: true }), attr('display', 'string', { mutability: 'readOnly' }), attr('$ref', 'reference', { mutability: 'immutable', referenceTypes: ['User'] }), attr('type', 'string', { mutability: 'immutable', canonicalValues: ['User'] })],
      { multiValued: true },
    ),
  ],
};

/** RFC 7643 §3.1: on every resource, outside any schema (so not listed at /Schemas). */
export const COMMON_ATTRIBUTES: AttributeDef[] = [
  attr('id', 'string', { mutability: 'readOnly', returned: 'always', caseExact: true, uniqueness: 'server' }),
  attr('externalId', 'string', { caseExact: true }),
  complex('meta', [attr('resourceType', 'string', { caseExact: true }), attr('created', 'dateTime'), attr('lastModified', 'dateTime'), attr('location', 'reference', { referenceTypes: ['uri'] }), attr('version', 'string', { caseExact: true })], { mutability: 'readOnly' }),
];

export function coreSchema(type: ResourceType): SchemaDef {
  return type === 'User' ? USER_SCHEMA : GROUP_SCHEMA;
}

export function extensionSchemas(type: ResourceType): SchemaDef[] {
  return type === 'User' ? [ENTERPRISE_USER_SCHEMA] : [];
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function findNamed<T extends { name: string }>(list: readonly T[] | undefined, name: string): T | undefined {
  return list?.find((item) => same(item.name, name));
}

/** The extension schema this resource type knows under `urn` (any case). */
export function findExtension(type: ResourceType, urn: string): SchemaDef | undefined {
  return extensionSchemas(type).find((s) => same(s.id, urn));
}

export function isCoreUrn(type: ResourceType, urn: string): boolean {
  return same(coreSchema(type).id, urn);
}

/** A top-level attribute of the core schema or a common one (`id`, `externalId`, `meta`). */
export function findCoreAttribute(type: ResourceType, name: string): AttributeDef | undefined {
  return findNamed(coreSchema(type).attributes, name) ?? findNamed(COMMON_ATTRIBUTES, name);
}

export interface FoundAttribute {
  /** undefined for core and common attributes; the extension schema otherwise. */
  extension: SchemaDef | undefined;
  attribute: AttributeDef;
  /** Set when `path.subAttribute` names a known sub-attribute. */
  subAttribute: AttributeDef | undefined;
}

/**
 * The definition of `path` for `type`, names compared case-insensitively: no URN prefix or the
 * core URN means the core schema (and common attributes), an extension URN means that extension.
 * undefined for anything we have no definition of (custom attributes and schemas).
 */
export function findAttribute(type: ResourceType, path: AttrPath): FoundAttribute | undefined {
  const extension = path.schema === undefined || isCoreUrn(type, path.schema) ? undefined : findExtension(type, path.schema);
  if (path.schema !== undefined && !extension && !isCoreUrn(type, path.schema)) return undefined;
  const attribute = extension ? findNamed(extension.attributes, path.attribute) : findCoreAttribute(type, path.attribute);
  if (!attribute) return undefined;
  const subAttribute = path.subAttribute === undefined ? undefined : findNamed(attribute.subAttributes, path.subAttribute);
  return { extension, attribute, subAttribute };
}
