// Which connection a login goes to: `connection` names it; `organization` picks the organization's
// active connection (a choice when it has several); `login_hint` / `domain_hint` find the
// organization that owns the email domain; with no hint the user is asked for their work email.
import { NotFound } from '../errors.js';
import type { ConnectionRecord } from '../store/records.js';
import type { Store } from '../store/store.js';

export interface RoutingHints {
  connection?: string | undefined;
  organization?: string | undefined;
  loginHint?: string | undefined;
  domainHint?: string | undefined;
}

export type Route =
  | { kind: 'connection'; connection: ConnectionRecord }
  | { kind: 'choose'; connections: ConnectionRecord[] }
  | { kind: 'ask_email' };

/** `onlyOrganization`: the application serves one tenant; nothing else may be reached. */
export async function routeLogin(store: Store, hints: RoutingHints, onlyOrganization: string | null): Promise<Route> {
  if (hints.connection) {
    const connection = await store.connections.get(hints.connection).catch(() => undefined);
    if (!connection || (onlyOrganization !== null && connection.organizationId !== onlyOrganization)) {
      throw new NotFound('This sign-in connection does not exist.', { code: 'connection_not_found' });
    }
    if (connection.status !== 'active') throw new NotFound('This sign-in connection is not active.', { code: 'connection_inactive' });
    return { kind: 'connection', connection };
  }
  const organizationId = hints.organization ?? (await organizationByDomain(store, hints.domainHint ?? emailDomain(hints.loginHint)));
  if (organizationId === undefined) {
    if (onlyOrganization !== null) return organizationRoute(store, onlyOrganization);
    if (hints.loginHint || hints.domainHint) throw new NotFound('No organization signs in with that email domain.', { code: 'domain_not_found' });
    return { kind: 'ask_email' };
  }
  if (onlyOrganization !== null && organizationId !== onlyOrganization) {
    throw new NotFound('This application does not serve that organization.', { code: 'organization_not_found' });
  }
  return organizationRoute(store, organizationId);
}

async function organizationRoute(store: Store, organizationId: string): Promise<Route> {
  const active = await store.connections.listActive(organizationId);
  if (active.length === 0) throw new NotFound('This organization has no active sign-in connection.', { code: 'no_active_connection' });
  if (active.length === 1) return { kind: 'connection', connection: active[0]! };
  return { kind: 'choose', connections: active };
}

async function organizationByDomain(store: Store, domain: string | undefined): Promise<string | undefined> {
  if (!domain) return undefined;
  return (await store.organizations.findByDomain(domain.trim().toLowerCase().replace(/\.$/, '')))?.id;
}

export function emailDomain(email: string | undefined): string | undefined {
  const at = email?.lastIndexOf('@') ?? -1;
  return at > 0 && email ? email.slice(at + 1) : undefined;
}
