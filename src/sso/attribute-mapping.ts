// Per-connection attribute mapping: `attribute_mapping` maps a target claim to the name of an
// attribute the IdP sent. Standard targets override what the connector derived; any other target
// becomes a custom attribute.
import type { PresetRegistry, Protocol, UpstreamIdentity } from './connector.js';

interface Mapped {
  email: string | undefined;
  firstName: string | undefined;
  lastName: string | undefined;
  name: string | undefined;
  groups: string[];
  customAttributes: Record<string, unknown>;
}

const STANDARD: Record<string, keyof Omit<Mapped, 'customAttributes'>> = {
  email: 'email',
  first_name: 'firstName',
  given_name: 'firstName',
  last_name: 'lastName',
  family_name: 'lastName',
  name: 'name',
  groups: 'groups',
};

const asText = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
const asList = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : undefined;

export function applyAttributeMapping(identity: UpstreamIdentity, mapping: Record<string, string>): Mapped {
  const mapped: Mapped = {
    email: identity.email,
    firstName: identity.firstName,
    lastName: identity.lastName,
    name: identity.name,
    groups: [...identity.groups],
    customAttributes: {},
  };
  for (const [target, source] of Object.entries(mapping)) {
    const value = identity.rawAttributes[source];
    if (value === undefined) continue;
    const field = STANDARD[target];
    if (field === 'groups') mapped.groups = asList(value) ?? mapped.groups;
    else if (field) mapped[field] = asText(value) ?? mapped[field];
    else mapped.customAttributes[target] = value;
  }
  return mapped;
}

/** The preset's defaults for the connection's IdP and protocol, overridden by the connection's own mapping. */
export function effectiveMapping(presets: PresetRegistry, connection: { preset: string | null; attributeMapping: Record<string, string> }, protocol: Protocol) {
  const preset = connection.preset ? presets[connection.preset] : undefined;
  const defaults = protocol === 'oidc' ? preset?.oidcAttributeMapping : preset?.attributeMapping;
  return { ...defaults, ...connection.attributeMapping };
}
