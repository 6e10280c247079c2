// What an admin key may do. A key holds a list of these (or "*"); a key scoped to an organization
// is additionally confined to that organization's objects, whatever its scopes say.
import { Forbidden } from '../errors.js';

const RESOURCES = [
  'organizations',
  'api_keys',
  'audit_logs',
  'connections',
  'directories',
  'applications',
  'webhook_endpoints',
  'events',
  'sessions',
  'setup_links',
] as const;

export const ALL_SCOPES = RESOURCES.flatMap((r) => [`${r}:read`, `${r}:write`]);
export const WILDCARD = '*';
export type Scope = string;

export function isKnownScope(scope: string): boolean {
  return scope === WILDCARD || ALL_SCOPES.includes(scope);
}

export function hasScope(granted: readonly string[], needed: Scope): boolean {
  if (granted.includes(WILDCARD) || granted.includes(needed)) return true;
  // Write implies read on the same resource: nobody wants a key that can change what it cannot see.
  return needed.endsWith(':read') && granted.includes(needed.replace(/:read$/, ':write'));
}

export function requireScope(granted: readonly string[], needed: Scope): void {
  if (!hasScope(granted, needed)) throw new Forbidden(`This API key lacks the ${needed} scope`, { code: 'insufficient_scope' });
}

/** A key can only hand out what it holds itself. */
export function requireSubset(granted: readonly string[], requested: readonly string[]): void {
  const missing = requested.filter((s) => (s === WILDCARD ? !granted.includes(WILDCARD) : !hasScope(granted, s)));
  if (missing.length > 0) {
    throw new Forbidden(`An API key cannot grant scopes it does not hold: ${missing.join(', ')}`, { code: 'insufficient_scope' });
  }
}
