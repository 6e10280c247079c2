// RFC 7644 §4 discovery documents for one directory's base URL. The schemas come from our own
// attribute table (what we accept); scimmy supplies only the RFC's description texts.
import SCIMMY from 'scimmy';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, URN, USER_SCHEMA, type AttributeDef, type SchemaDef } from './schemas.js';

/** The most resources one list response returns: the router clamps `count` to it. */
export const MAX_RESULTS = 1000;

/** What `count` defaults to (the list parser reads it from here). */
export const DEFAULT_PAGE_SIZE = 100;

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: [URN.serviceProviderConfig],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    // RFC 9865: cursors (keyset paging) beside startIndex; a cursor never expires (it is an id).
    pagination: { cursor: true, index: true, defaultPaginationMethod: 'index', defaultPageSize: DEFAULT_PAGE_SIZE, maxPageSize: MAX_RESULTS },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: "Authentication with the directory's bearer token",
        specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypes(baseUrl: string) {
  const meta = (id: string) => ({ resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${id}` });
  return [
    {
      schemas: [URN.resourceType],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User Account',
      schema: URN.user,
      schemaExtensions: [{ schema: URN.enterpriseUser, required: false }],
      meta: meta('User'),
    },
    { schemas: [URN.resourceType], id: 'Group', name: 'Group', endpoint: '/Groups', description: 'Group', schema: URN.group, meta: meta('Group') },
  ];
}

interface Described {
  name: string;
  description?: string;
  subAttributes?: Described[];
}

/** scimmy's texts, by schema URN; a JSON round trip turns its attribute instances into plain data. */
function descriptions(): Map<string, Described[]> {
  const all = [SCIMMY.Schemas.User, SCIMMY.Schemas.EnterpriseUser, SCIMMY.Schemas.Group].map((s) => JSON.parse(JSON.stringify(s.definition.describe())) as { id: string; attributes: Described[] });
  return new Map(all.map((s) => [s.id, s.attributes]));
}

const TEXTS = descriptions();
const textOf = (list: Described[] | undefined, name: string) => list?.find((d) => d.name.toLowerCase() === name.toLowerCase());

function describeAttribute(def: AttributeDef, texts: Described[] | undefined): Record<string, unknown> {
  const text = textOf(texts, def.name);
  const { subAttributes, canonicalValues, referenceTypes, ...rest } = def;
  return {
    name: rest.name,
    type: rest.type,
    multiValued: rest.multiValued,
    description: text?.description ?? '',
    required: rest.required,
    ...(canonicalValues ? { canonicalValues } : {}),
    ...(def.type === 'complex' ? {} : { caseExact: rest.caseExact }),
    mutability: rest.mutability,
    returned: rest.returned,
    ...(def.type === 'complex' ? {} : { uniqueness: rest.uniqueness }),
    ...(referenceTypes ? { referenceTypes } : {}),
    ...(subAttributes ? { subAttributes: subAttributes.map((s) => describeAttribute(s, text?.subAttributes)) } : {}),
  };
}

function describeSchema(schema: SchemaDef, baseUrl: string) {
  const texts = TEXTS.get(schema.id);
  return {
    schemas: [URN.schema],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map((a) => describeAttribute(a, texts)),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  };
}

export function schemas(baseUrl: string) {
  return [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA].map((s) => describeSchema(s, baseUrl));
}
