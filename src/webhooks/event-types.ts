// Every event type Gatehouse emits, and what an endpoint's `events` filter may name: a type, a
// dotted prefix with `*` (`directory.user.*`, `directory.*`) or `*` for everything. Login events
// are noisy and personal: wildcards never select them, an endpoint names `sso.login.*` (or a
// login type) to opt in.
export const EVENT_TYPES = [
  'directory.user.created',
  'directory.user.updated',
  'directory.user.deactivated',
  'directory.user.reactivated',
  'directory.user.deleted',
  'directory.group.created',
  'directory.group.updated',
  'directory.group.deleted',
  'directory.group.user_added',
  'directory.group.user_removed',
  'connection.activated',
  'connection.deactivated',
  'sso.login.succeeded',
  'sso.login.failed',
  'webhook_endpoint.disabled',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Sent only by `POST /api/v1/webhook-endpoints/:id/test`, to that endpoint, whatever it subscribes to. */
export const TEST_EVENT_TYPE = 'webhook_endpoint.test';

const OPT_IN_PREFIX = 'sso.login.';

/** Whether `pattern` is a type or wildcard that selects at least one known type. */
export function isValidSubscription(pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return EVENT_TYPES.some((t) => t.startsWith(prefix));
  }
  return (EVENT_TYPES as readonly string[]).includes(pattern);
}

function selects(pattern: string, type: string): boolean {
  if (pattern === type) return true;
  if (pattern === '*') return !type.startsWith(OPT_IN_PREFIX);
  if (!pattern.endsWith('.*')) return false;
  const prefix = pattern.slice(0, -1);
  if (!type.startsWith(prefix)) return false;
  // `sso.*` does not opt in to logins; `sso.login.*` does.
  return !type.startsWith(OPT_IN_PREFIX) || prefix.startsWith(OPT_IN_PREFIX);
}

export function subscribes(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => selects(p, type));
}
