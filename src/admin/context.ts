// Who is acting, passed explicitly into every admin service call (never stored on a shared object).
import { NotFound } from '../errors.js';
import type { AuditActorType } from '../store/records.js';

export interface Actor {
  type: AuditActorType;
  id: string | null;
  name: string | null;
  scopes: readonly string[];
  /** Set: this actor reaches only this organization. */
  organizationId: string | null;
}

export interface AdminContext {
  actor: Actor;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** The operator at the command line: full access, audited as `cli`. */
export function cliContext(): AdminContext {
  return {
    actor: { type: 'cli', id: null, name: process.env.USER ?? null, scopes: ['*'], organizationId: null },
    requestId: null,
    ip: null,
    userAgent: 'gatehouse-cli',
  };
}

export function systemContext(name: string): AdminContext {
  return { actor: { type: 'system', id: null, name, scopes: ['*'], organizationId: null }, requestId: null, ip: null, userAgent: null };
}

/**
 * Cross-tenant access answers 404, as if the object did not exist: an organization-scoped actor
 * must not learn what other tenants have. `organizationId` null is a global object, which only
 * unscoped actors reach.
 */
export function requireReach(ctx: AdminContext, organizationId: string | null, what: string): void {
  const own = ctx.actor.organizationId;
  if (own !== null && organizationId !== own) throw new NotFound(`${what} not found`);
}

/** The organization a request may name: a scoped actor's own (naming another is a 404), else what was asked. */
export function narrowToOwn<T extends string | null | undefined>(ctx: AdminContext, requested: T): string | T {
  const own = ctx.actor.organizationId;
  if (own === null) return requested;
  if (requested !== null && requested !== undefined && requested !== own) throw new NotFound('organization not found');
  return own;
}
