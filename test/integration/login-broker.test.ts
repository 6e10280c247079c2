import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { completeMockLogin, mockConfigSchema } from '../../connectors/mock/index.js';
import { cliContext } from '../../src/admin/context.js';
import { UpstreamRejected } from '../../src/errors.js';
import { routeLogin } from '../../src/sso/routing.js';
import type { ConnectionRecord } from '../../src/store/records.js';
import { testLoginBroker } from '../support/broker.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { requires } from '../support/services.js';

const config = { users: [{ id: 'ada', email: 'ada@broker.test' }], signing_secret: 'broker-test-signing-secret-0123456789' };

describe('login broker', await requires('postgres'), () => {
  let gw: TestGateway;
  let orgId: string;
  let connection: ConnectionRecord;
  let now = new Date('2026-12-01T10:00:00.000Z');
  const broker = () => testLoginBroker(gw, () => now);

  before(async () => {
    gw = await startTestGateway('broker');
    orgId = (await gw.services.organizations.create(cliContext(), { name: 'Broker', domains: ['broker.test'] })).id;
    connection = (await gw.services.connections.create(cliContext(), orgId, { type: 'mock', name: 'One', status: 'active', config })).connection;
  });
  after(() => gw?.close());

  /** Start a login and answer as the mock IdP: the callback parameters. */
  async function callbackParams(): Promise<Record<string, string>> {
    const redirect = await broker().start(connection, 'uid-1', undefined);
    assert.equal(redirect.kind, 'redirect');
    const request = new URL(redirect.url).searchParams.get('request')!;
    const back = new URL(completeMockLogin(mockConfigSchema.parse(config), { request, user: 'ada' }, now).redirect);
    return Object.fromEntries(back.searchParams);
  }

  test('an attempt answered after 10 minutes is refused and the failure is audited with its reason', async () => {
    const params = await callbackParams();
    const started = now;
    now = new Date(started.getTime() + 11 * 60_000);
    try {
      await assert.rejects(broker().finish(params), (e: UpstreamRejected) => e.code === 'login_attempt_expired');
    } finally {
      now = started;
    }
    const failures = (await gw.store.auditLogs.list({ limit: 100, organizationId: orgId })).data.filter((e) => e.action === 'login.failed');
    assert.ok(failures.some((e) => e.metadata.reason === 'login_attempt_expired'));
  });

  test('a tampered state or assertion is refused; the attempt cannot be retried', async () => {
    const params = await callbackParams();
    await assert.rejects(broker().finish({ ...params, state: `${params.state}x` }), (e: UpstreamRejected) => e.code === 'login_attempt_not_found');
    await assert.rejects(broker().finish({ ...params, assertion: `${params.assertion}x` }), (e: UpstreamRejected) => e.code === 'mock_signature_invalid');
    await assert.rejects(broker().finish(params), (e: UpstreamRejected) => e.code === 'login_attempt_not_found', 'consumed by the failed try');
    const fresh = await callbackParams();
    const result = await broker().finish(fresh);
    assert.equal(result.kind, 'login');
    const { profile } = result as Extract<typeof result, { kind: 'login' }>;
    assert.equal(profile.email, 'ada@broker.test');
  });

  test('routing: a chooser for several active connections, clear refusals for inactive or foreign ones', async () => {
    const second = (await gw.services.connections.create(cliContext(), orgId, { type: 'mock', name: 'Two', status: 'active', config })).connection;
    const choice = await routeLogin(gw.store, { organization: orgId }, null);
    assert.equal(choice.kind, 'choose');
    assert.deepEqual(choice.kind === 'choose' && choice.connections.map((c) => c.name), ['One', 'Two']);
    await gw.services.connections.update(cliContext(), second.id, { status: 'inactive' });
    await assert.rejects(routeLogin(gw.store, { connection: second.id }, null), /not active/);
    const other = await gw.services.organizations.create(cliContext(), { name: 'Other' });
    await assert.rejects(routeLogin(gw.store, { connection: connection.id }, other.id), /does not exist/);
    await assert.rejects(routeLogin(gw.store, { organization: orgId }, other.id), /does not serve/);
    const byHint = await routeLogin(gw.store, { loginHint: 'Someone@BROKER.test' }, null);
    assert.equal(byHint.kind === 'connection' && byHint.connection.id, connection.id);
    assert.deepEqual(await routeLogin(gw.store, {}, null), { kind: 'ask_email' });
  });
});
