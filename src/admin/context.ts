// Who is acting, passed explicitly into every admin service call (never stored on a shared object).
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
