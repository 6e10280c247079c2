// Test sign-ins from the setup portal: the same trip to the IdP and the same checks as a real
// login (the connection may still be a draft), but nothing is signed in. The outcome — the profile
// Gatehouse would issue and the raw attributes, or exactly why the response was refused — is kept
// for the portal to show, and audited.
import { auditEntry } from '../admin/audit.js';
import { GatewayError } from '../errors.js';
import type { ConnectionRecord, LoginAttemptRecord } from '../store/records.js';
import type { ConnectionTestRecord } from '../store/setup-data.js';
import { applyAttributeMapping, effectiveMapping } from './attribute-mapping.js';
import type { UpstreamIdentity } from './connector.js';
import type { BrokerDeps } from './sign-in.js';

const TEST_PREFIX = 'setup-test:';

/** The interaction id of a test attempt names the setup link that started it. */
export const testInteraction = (setupLinkId: string) => `${TEST_PREFIX}${setupLinkId}`;

export function testLinkOf(attempt: Pick<LoginAttemptRecord, 'interactionUid'> | undefined): string | undefined {
  return attempt?.interactionUid.startsWith(TEST_PREFIX) ? attempt.interactionUid.slice(TEST_PREFIX.length) : undefined;
}

export interface TestOutcome {
  kind: 'setup_test';
  setupLinkId: string;
  test: ConnectionTestRecord;
}

function preview(deps: BrokerDeps, connection: ConnectionRecord, identity: UpstreamIdentity): Record<string, unknown> {
  const protocol = deps.registry[connection.type]?.protocol ?? 'saml';
  const mapped = applyAttributeMapping(identity, effectiveMapping(deps.presets, connection, protocol));
  return {
    idp_id: identity.idpId,
    email: mapped.email?.toLowerCase() ?? null,
    email_verified: identity.emailVerified,
    first_name: mapped.firstName ?? null,
    last_name: mapped.lastName ?? null,
    name: mapped.name ?? null,
    groups: mapped.groups,
    roles: [...identity.roles],
    custom_attributes: mapped.customAttributes,
  };
}

/** Runs `check` (the protocol's checks, yielding the identity) and records what came of it. */
export async function recordTest(deps: BrokerDeps, connection: ConnectionRecord, setupLinkId: string, check: () => Promise<UpstreamIdentity>): Promise<TestOutcome> {
  let fields: Omit<ConnectionTestRecord, 'id' | 'createdAt' | 'connectionId' | 'setupLinkId'>;
  try {
    const identity = await check();
    const raw = JSON.parse(JSON.stringify(identity.rawAttributes)) as Record<string, unknown>;
    fields = { outcome: 'succeeded', profile: preview(deps, connection, identity), rawAttributes: raw, errorCode: null, errorMessage: null, errorDetail: null };
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    fields = { outcome: 'failed', profile: null, rawAttributes: null, errorCode: error.code, errorMessage: error.message, errorDetail: error.detail ?? null };
  }
  const test = await deps.store.connectionTests.create({ connectionId: connection.id, setupLinkId, ...fields });
  const ctx = { actor: { type: 'setup_link' as const, id: setupLinkId, name: null, scopes: [], organizationId: connection.organizationId }, requestId: null, ip: null, userAgent: null };
  const what = { action: 'connection.tested', targetType: 'connection', targetId: connection.id, organizationId: connection.organizationId };
  await deps.store.auditLogs.append(auditEntry(ctx, what, fields.outcome === 'succeeded' ? 'success' : 'failure', { metadata: { test_id: test.id, error_code: fields.errorCode } }));
  return { kind: 'setup_test', setupLinkId, test };
}
